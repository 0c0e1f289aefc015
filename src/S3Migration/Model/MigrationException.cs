using System;

namespace S3Migration.Model
{
    /// <summary>What kind of failure, so cmdlets can pick an ErrorCategory without the plain classes knowing PowerShell.</summary>
    [Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))]
    public enum MigrationErrorKind { InvalidArgument, NotFound, Authentication, PermissionDenied, Connection, InvalidData, ResourceUnavailable, WriteError }

    /// <summary>A failure with an error id and a message that says what to fix. Messages never carry credentials.</summary>
    public sealed class MigrationException : Exception
    {
        public MigrationException(string errorId, MigrationErrorKind kind, string message, Exception? inner = null, object? target = null)
            : base(message, inner)
        {
            ErrorId = errorId; Kind = kind; Target = target;
        }
        public string ErrorId { get; }
        public MigrationErrorKind Kind { get; }
        public object? Target { get; }
    }
}
