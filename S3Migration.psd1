# Module manifest for S3Migration. Build first (dotnet build src/S3Migration, or ./build.ps1 -Task Build):
# the cmdlet assembly and format file land in bin/ beside this file, the engine and its dependencies in bin/deps/.
@{
    RootModule           = 'bin/S3Migration.dll'
    ModuleVersion        = '0.2.0'
    GUID                 = '7c1f4a55-3d0e-4b7e-9a3c-2f6f0f8d4b21'
    Author               = 'S3Migration contributors'
    CompanyName          = 'S3Migration'
    Copyright            = '(c) S3Migration contributors. All rights reserved.'
    Description          = 'Moves an S3 bucket from one folder per person to one folder per file type: inventory, verified server-side copies, a crash-safe journal, CSV URL rewrite, reports and rollback.'
    # Claims what the tests prove: the PowerShell 7.6.9 engine (xUnit) and pwsh 7.6.9 (Pester, installed by .ci/run).
    # The net8.0 build should load in 7.4 and 7.5 too (both run on .NET 8 or later), but only 7.6.9 is to be had here to test it.
    PowerShellVersion    = '7.6'
    CompatiblePSEditions = @('Core')
    # No RequiredAssemblies: the engine, AWSSDK.* and CsvHelper (bin/deps/) load into the module's own
    # AssemblyLoadContext, never into PowerShell's default context, so the module imports beside AWS.Tools
    # (any AWSSDK.Core), before or after it. See README, Connecting to S3.
    FormatsToProcess     = @('bin/S3Migration.Format.ps1xml')
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
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            # Get-Help -Online goes to this project's README sections (src/S3Migration/Cmdlets/HelpLinks.cs).
            ProjectUri   = 'https://github.com/s3migration/S3Migration'
            Tags         = @('S3', 'AWS', 'Migration', 'Storage', 'PSEdition_Core')
            ReleaseNotes = 'Inventory and plan, verified resumable copy, integrity check, rollback and certificate, and the people CSV: backup, atomic URL rewrite, restore and URL checks; the Glacier backup of the source, the safe removal of the old layout, the workspace archive and the final report.'
        }
    }
}
