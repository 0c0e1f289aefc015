using System;

namespace S3Migration.Phases.Backup
{
    /// <summary>A backup run's counts so far, with its rates, for Write-Progress.</summary>
    public sealed class BackupProgress
    {
        public int Total { get; set; }
        public int Done { get; set; }
        public int Verified { get; set; }
        public int Skipped { get; set; }
        public int Failed { get; set; }
        public long Bytes { get; set; }
        public TimeSpan Elapsed { get; set; }

        public double ObjectsPerSecond => Done / Seconds;
        public double BytesPerSecond => Bytes / Seconds;
        public int PercentComplete => Total > 0 ? (int)Math.Min(100, 100L * Done / Total) : -1;
        private double Seconds => Math.Max(Elapsed.TotalSeconds, 0.001);
    }
}
