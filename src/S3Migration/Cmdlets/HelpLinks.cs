namespace S3Migration.Cmdlets
{
    /// <summary>
    /// Where `Get-Help -Online` goes: the README section of each cmdlet, in the project the manifest names
    /// (S3Migration.psd1, PrivateData.PSData.ProjectUri; ModuleTests checks both agree and every anchor is a README heading).
    /// </summary>
    internal static class HelpLinks
    {
        public const string Project = "https://github.com/s3migration/S3Migration";
        private const string Readme = Project + "#";

        public const string Defaults = Readme + "session-defaults-set-migrationdefault-get-migrationdefault";
        public const string Inventory = Readme + "get-migrationinventory";
        public const string NamingRules = Readme + "naming-rules";
        public const string Copy = Readme + "copy-personfiles";
        public const string Integrity = Readme + "test-migrationintegrity-undo-migration-new-migrationcertificate";
        public const string PeopleCsv = Readme + "the-people-csv-backup-outputcsv-update-outputcsv-restore-outputcsv-test-outputcsvurl";
        public const string Backup = Readme + "backup-migrationsource";
        public const string Removal = Readme + "remove-migrationsource";
        public const string Closing = Readme + "closing-the-migration-compress-migrationworkspace-test-migrationarchive-new-migrationfinalreport";
    }
}
