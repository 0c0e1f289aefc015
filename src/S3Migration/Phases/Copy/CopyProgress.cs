using System;
using S3Migration.Workspace;

namespace S3Migration.Phases.Copy
{
    /// <summary>
    /// A copy run's progress so far, with its rates and the time it still needs, for Write-Progress. Total is null when
    /// nothing tells how many files the run has (no inventory in the workspace, streamed input): then there is no
    /// percentage and no time left (-1), never a guess from the items received so far.
    /// </summary>
    public sealed record CopyProgress(long Done, long? Total, long Verified, long Failed, long BytesVerified,
        double ObjectsPerSecond, double BytesPerSecond, int PercentComplete, int SecondsRemaining)
    {
        public static CopyProgress Of(MigrationSummary s, TimeSpan elapsed)
        {
            var seconds = Math.Max(elapsed.TotalSeconds, 0.001);
            var rate = s.Done / seconds;
            var total = s.TotalFilesToMigrate;
            var percent = total is long t && t > 0 ? (int)Math.Min(100, 100 * s.Done / t) : -1;
            var left = total is long all && rate > 0 ? (int)Math.Min(int.MaxValue, Math.Max(0, all - s.Done) / rate) : -1;
            return new CopyProgress(s.Done, total, s.FilesVerified, s.FilesFailed, s.BytesVerified, rate, s.BytesVerified / seconds, percent, left);
        }
    }
}
