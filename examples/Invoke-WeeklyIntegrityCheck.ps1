<#
.SYNOPSIS
The weekly integrity check of the 30-day watch (weeks 2 and 3), for a scheduled task.

.DESCRIPTION
Deeper than the daily check: Test-MigrationIntegrity -Deep hashes the content of every file whose ETag cannot
prove it, and with -CsvPath every URL of the people CSV is requested (Test-OutputCsvUrl), so a page that would
show a broken link is found before users do. Writes reports/weekly_YYYYMMDD_HHMMSS_verification.csv and
reports/weekly_YYYYMMDD_HHMMSS.txt (never the migration's own verification_report.csv) and exits with:
  0  every file verified and every CSV URL answered 200 (Excluded and NewUpload are information, as in the daily check);
  1  anything else: read the dated report;
  2  the check itself could not run.
docs/SCHEDULING.md shows how to register it with cron, a systemd timer or the Windows Task Scheduler.

.EXAMPLE
pwsh -NoProfile -File ./examples/Invoke-WeeklyIntegrityCheck.ps1 -WorkspacePath /srv/migration -CsvPath /srv/outputs/output.csv
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $WorkspacePath,
    [string] $ReportFolder,
    [string] $EndpointUrl,
    [string] $Region,
    [string] $ProfileName,
    # The people CSV: its persons are checked for completeness and its URLs are requested.
    [string] $CsvPath,
    [hashtable] $FileTypeMap,
    [switch] $SkipSourceCheck
)
Import-Module ([System.IO.Path]::Combine($PSScriptRoot, 'MigrationWatch.psm1')) -Force
exit (Invoke-MigrationWatch -Kind weekly -Deep -CheckCsvUrls:([bool]$CsvPath) @PSBoundParameters)
