# Module manifest for S3Migration. Build first (dotnet build src/S3Migration, or ./build.ps1 -Task Build):
# the cmdlet assembly and format file land in bin/ beside this file, the engine and its dependencies in bin/deps/.
@{
    RootModule           = 'bin/S3Migration.dll'
    ModuleVersion        = '0.2.0'
    GUID                 = '7c1f4a55-3d0e-4b7e-9a3c-2f6f0f8d4b21'
    Author               = 'S3Migration contributors'
    CompanyName          = 'S3Migration'
    Copyright            = '(c) 2026 S3Migration contributors. MIT License (LICENSE).'
    Description          = 'Moves an S3 bucket from one folder per person to one folder per file type: inventory, verified server-side copies, a crash-safe journal, CSV URL rewrite, reports and rollback.'
    # Claims what the tests prove: the PowerShell 7.6.9 engine (xUnit) and pwsh 7.6.9 (Pester, installed by .ci/run).
    # The net8.0 build should load in 7.4 and 7.5 too (both run on .NET 8 or later), but only 7.6.9 is to be had here to test it.
    PowerShellVersion    = '7.6'
    CompatiblePSEditions = @('Core')
    # No RequiredAssemblies: the engine, AWSSDK.* and CsvHelper (bin/deps/) load into the module's own
    # AssemblyLoadContext, never into PowerShell's default context, so the module imports beside AWS.Tools
    # (any AWSSDK.Core), before or after it. See README, Connecting to S3.
    FormatsToProcess     = @('bin/S3Migration.Format.ps1xml')
    # The 30-day watch (Invoke-MigrationWatch) is a script module of its own, composed of the cmdlets; the scheduled-task
    # scripts beside it (scripts/Invoke-DailyIntegrityCheck.ps1, ...Weekly...) ship in the module and import it from there.
    NestedModules        = @('scripts/S3Migration.Watch.psm1')
    CmdletsToExport      = @(
        'Get-MigrationInventory'
        'Get-MigrationTargetKey'
        'Copy-PersonFiles'
        'Test-MigrationIntegrity'
        'Undo-Migration'
        'New-MigrationCertificate'
        'Backup-OutputCsv'
        'Update-OutputCsv'
        'Restore-OutputCsv'
        'Test-OutputCsvUrl'
        'Compress-MigrationWorkspace'
        'Test-MigrationArchive'
        'New-MigrationFinalReport'
        'Backup-MigrationSource'
        'Remove-MigrationSource'
        'Set-MigrationDefault'
        'Get-MigrationDefault'
    )
    FunctionsToExport    = @('Invoke-MigrationWatch')
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            # Get-Help -Online goes to this project's README sections (src/S3Migration/Cmdlets/HelpLinks.cs).
            ProjectUri   = 'https://github.com/s3migration/S3Migration'
            LicenseUri   = 'https://github.com/s3migration/S3Migration/blob/main/LICENSE'
            Tags         = @('S3', 'AWS', 'Migration', 'Storage', 'Backup', 'Glacier', 'Linux', 'Windows', 'MacOS', 'PSEdition_Core')
            ReleaseNotes = @'
0.2.0: the engine and the AWS SDK load in the module's own load context, so the module imports beside AWS.Tools
(any AWSSDK.Core); -Credential is read by shape. The 30-day watch is a command of the module (Invoke-MigrationWatch)
with its scheduled-task scripts shipped in scripts/. Set-MigrationDefault and Get-MigrationDefault (session defaults
for -EndpointUrl, -Region, -ProfileName); AWS_ENDPOINT_URL_S3 and AWS_ENDPOINT_URL honoured as -EndpointUrl. Argument
completers, progress against a real total (Copy-PersonFiles -InputObject), objects whose enums convert to JSON as
names, help that matches the commands. Output type names follow the source layout
(S3Migration.Model.*): see README, Upgrading from 0.1.
0.1.0: inventory and plan, verified resumable copy, integrity check, rollback and certificate; the people CSV
(backup, atomic URL rewrite, restore, URL checks); the Glacier backup of the source, the safe removal of the old
layout, the workspace archive and the final report.
'@
        }
    }
}
