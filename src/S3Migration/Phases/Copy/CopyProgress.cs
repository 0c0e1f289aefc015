using System;
using S3Migration.Workspace;

namespace S3Migration.Phases.Copy
{
    /// <summary>A copy run's progress so far, with its rates and the time it still needs, for Write-Progress.</summary>
    public sealed record CopyProgress(long Done, long Total, long Verified, long Failed, long BytesVerified,
        double ObjectsPerSecond, double BytesPerSecond, int PercentComplete, int SecondsRemaining)
    {
        public static CopyProgress Of(MigrationSummary s, TimeSpan elapsed)
        {
            var seconds = Math.Max(elapsed.TotalSeconds, 0.001);
            var rate = s.Done / seconds;
            var remaining = s.TotalFilesToMigrate - s.Done;
            return new CopyProgress(s.Done, s.TotalFilesToMigrate, s.FilesVerified, s.FilesFailed, s.BytesVerified, rate, s.BytesVerified / seconds,
                s.TotalFilesToMigrate > 0 ? (int)Math.Min(100, 100 * s.Done / s.TotalFilesToMigrate) : -1,
                rate > 0 ? (int)(remaining / rate) : -1);
        }
    }
}
