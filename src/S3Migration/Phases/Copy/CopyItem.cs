using S3Migration.Model;

namespace S3Migration.Phases.Copy
{
    /// <summary>One object to copy, as Copy-PersonFiles binds it from the pipeline (or the backup lists it): the plan plus what the inventory saw.</summary>
    public sealed class CopyItem : PlannedCopy
    {
        /// <summary>The size the inventory listed; null when the input has none (the source's HEAD decides).</summary>
        public long? Size { get; set; }
        public string ETag { get; set; } = "";
        public string Md5 { get; set; } = "";

        /// <summary>The item's result so far: its plan and what the inventory recorded of its source (ETag and MD5 as S3 spells them).</summary>
        public MigrationResult NewResult()
        {
            var r = new MigrationResult { Size = Size ?? 0, Md5 = Model.ETag.Clean(Md5), SourceETag = Model.ETag.Clean(ETag) };
            r.TakePlan(this);
            return r;
        }
    }
}
