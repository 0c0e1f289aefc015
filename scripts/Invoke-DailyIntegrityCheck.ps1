<#
.SYNOPSIS
The daily integrity check of the 30-day watch (week 1), for a scheduled task.

.DESCRIPTION
Imports the S3Migration module this script ships in (the manifest one folder up, so the script always runs with its
own version of the module, installed or in a checkout) and runs Invoke-MigrationWatch -Kind Daily with the parameters
given here: -WorkspacePath (required), -ReportFolder, -EndpointUrl, -Region, -ProfileName, -CsvPath, -FileTypeMap,
-Deep, -SkipSourceCheck, -CheckCsvUrls. Get-Help Invoke-MigrationWatch -Full describes them.
Writes reports/daily_YYYYMMDD_HHMMSS_verification.csv and reports/daily_YYYYMMDD_HHMMSS.txt in the workspace, prints
the summary, and exits with:
  0  every file verified (Excluded and NewUpload are information);
  1  something is not verified: read the dated report;
  2  the check could not run: module not loadable, a wrong or missing parameter, bad workspace, another run writing into
     it, S3 unreachable, credentials, report not written. The reason is on standard error.
The script has no param block on purpose: its parameters are bound inside its try, so a wrong parameter exits 2
("could not run") rather than pwsh -File's own 1, which would read as "problems found".
docs/SCHEDULING.md shows how to register it with cron, a systemd timer or the Windows Task Scheduler.

.EXAMPLE
pwsh -NoProfile -NonInteractive -File <module folder>/scripts/Invoke-DailyIntegrityCheck.ps1 -WorkspacePath /srv/migration -Region eu-west-1

.EXAMPLE
pwsh -NoProfile -NonInteractive -Command "& <module folder>/scripts/Invoke-DailyIntegrityCheck.ps1 -WorkspacePath /srv/migration -FileTypeMap @{ '.mkv' = 'video' }; exit `$LASTEXITCODE"
#>
exit (& ([System.IO.Path]::Combine($PSScriptRoot, 'Invoke-WatchScript.ps1')) -Kind Daily -Arguments $args)
