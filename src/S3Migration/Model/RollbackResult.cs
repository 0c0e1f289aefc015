namespace S3Migration.Model
{
    [Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))]
    public enum RollbackStatus { Deleted, Kept, AlreadyGone, WhatIf, Failed }

    /// <summary>What Undo-Migration did with one copy: the plan's addresses, the size the copy verified, and why.</summary>
    public sealed class RollbackResult : PlannedCopy
    {
        public RollbackStatus Status { get; set; }
        public long Size { get; set; }
        public string Reason { get; set; } = "";
        public override string ToString() => $"{Status} {TargetKey}";

        /// <summary>Decided: the status and, for the operator, why.</summary>
        internal void Decide(RollbackStatus status, string why) { Status = status; Reason = why; }
    }
}
