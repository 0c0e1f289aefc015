<#
.SYNOPSIS
The daily (week 1) and weekly (weeks 2-3) integrity check of the 30-day watch, for a scheduled task.

.DESCRIPTION
Runs Test-MigrationIntegrity on the migration recorded in -WorkspacePath, writes a dated copy of the report
(reports/verification_YYYYMMDD_HHMMSS.csv and .txt), and exits with:
  0  every file verified;
  1  something is not verified (missing, mismatched, source changed, unexpected): read the dated report;
  2  the check itself could not run (module not loaded, bad workspace, S3 unreachable, credentials, report not written).
Uses only core cmdlets and .NET, so it runs in any PowerShell 7 host.

.EXAMPLE
pwsh -NoProfile -File ./examples/Invoke-DailyIntegrityCheck.ps1 -WorkspacePath /srv/migration -Region eu-west-1
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $WorkspacePath,
    [string] $ReportFolder,
    [string] $EndpointUrl,
    [string] $Region,
    [string] $ProfileName,
    [string] $CsvPath,
    [switch] $Deep,
    # After cleanup the old person folders are gone on purpose.
    [switch] $SkipSourceCheck
)
$ErrorActionPreference = 'Stop'
# Everything that can fail to run is inside the try, so any such failure exits 2, never 1 ("not verified").
try {
    Import-Module ([System.IO.Path]::Combine($PSScriptRoot, '..', 'S3Migration.psd1'))

    $workspace = [System.IO.Path]::GetFullPath($WorkspacePath)
    if (-not $ReportFolder) { $ReportFolder = [System.IO.Path]::Combine($workspace, 'reports') }
    $null = [System.IO.Directory]::CreateDirectory($ReportFolder)
    $stamp = [DateTime]::UtcNow.ToString('yyyyMMdd_HHmmss')
    $parameters = @{ WorkspacePath = $workspace; Summary = $true; Deep = $Deep; SkipSourceCheck = $SkipSourceCheck }
    foreach ($name in 'EndpointUrl', 'Region', 'ProfileName', 'CsvPath') {
        if ($PSBoundParameters.ContainsKey($name)) { $parameters[$name] = $PSBoundParameters[$name] }
    }

    $summary = Test-MigrationIntegrity @parameters -WarningAction SilentlyContinue
    if ($null -eq $summary) { throw 'Test-MigrationIntegrity returned no summary.' }

    $report = [System.IO.Path]::Combine($ReportFolder, "verification_$stamp.csv")
    [System.IO.File]::Copy([System.IO.Path]::Combine($workspace, 'verification_report.csv'), $report, $true)
    $lines = @(
        "Integrity check $stamp UTC of $workspace"
        $summary.ToString()
        "Missing: $($summary.MissingKeys -join ', ')"
        "Persons incomplete: $($summary.PersonsIncomplete -join '; ')"
        "Report: $report"
    )
    [System.IO.File]::WriteAllLines([System.IO.Path]::Combine($ReportFolder, "verification_$stamp.txt"), [string[]]$lines)
    foreach ($line in $lines) { [Console]::Out.WriteLine($line) }
}
catch {
    [Console]::Error.WriteLine("Integrity check could not run: $($_.Exception.Message)")
    exit 2
}
if ($summary.AllVerified) { exit 0 } else { exit 1 }
