<#
.SYNOPSIS
The daily integrity check of the 30-day watch (week 1), for a scheduled task.

.DESCRIPTION
Runs Test-MigrationIntegrity on the migration recorded in -WorkspacePath: every copy's destination is checked
against the journal (size and ETag or checksum) and its source against the copy. Writes dated reports,
reports/daily_YYYYMMDD_HHMMSS_verification.csv (the verification report) and
reports/daily_YYYYMMDD_HHMMSS.txt (the summary); the migration's own verification_report.csv and rollback_plan.json
are never touched. Exits with:
  0  every file verified; files left out of the copy by choice (Excluded) and new uploads whose keys follow the
     naming rule (NewUpload) are listed in the report as information;
  1  something is not verified (missing, mismatched, source changed, unexpected: an object in a type folder that
     follows no naming rule, or a new one in an old person folder, also after the cleanup): read the dated report;
  2  the check itself could not run (module not loaded, bad workspace, S3 unreachable, credentials, report not written).
docs/SCHEDULING.md shows how to register it with cron, a systemd timer or the Windows Task Scheduler.

.EXAMPLE
pwsh -NoProfile -File ./examples/Invoke-DailyIntegrityCheck.ps1 -WorkspacePath /srv/migration -Region eu-west-1

.EXAMPLE
pwsh -NoProfile -Command "& ./examples/Invoke-DailyIntegrityCheck.ps1 -WorkspacePath /srv/migration -FileTypeMap @{ '.mkv' = 'video' }; exit `$LASTEXITCODE"
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $WorkspacePath,
    [string] $ReportFolder,
    [string] $EndpointUrl,
    [string] $Region,
    [string] $ProfileName,
    [string] $CsvPath,
    # The map the migration was planned with (Get-MigrationInventory -FileTypeMap), if it was not the default.
    [hashtable] $FileTypeMap,
    [switch] $Deep,
    # After cleanup the old person folders are gone on purpose.
    [switch] $SkipSourceCheck
)
Import-Module ([System.IO.Path]::Combine($PSScriptRoot, 'MigrationWatch.psm1')) -Force
exit (Invoke-MigrationWatch -Kind daily @PSBoundParameters)
