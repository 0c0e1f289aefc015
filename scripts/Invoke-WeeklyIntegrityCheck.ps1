<#
.SYNOPSIS
The weekly integrity check of the 30-day watch (weeks 2 and 3), for a scheduled task.

.DESCRIPTION
Deeper than the daily check: Invoke-MigrationWatch -Kind Weekly -Deep hashes the content of every file whose ETag
cannot prove it, and with -CsvPath every URL of the people CSV is requested (-CheckCsvUrls), so a page that would
show a broken link is found before users do. Takes the parameters of Invoke-MigrationWatch (-WorkspacePath required;
-Kind, -Deep and -CheckCsvUrls are set here). Imports the S3Migration module this script ships in. Writes
reports/weekly_YYYYMMDD_HHMMSS_verification.csv and reports/weekly_YYYYMMDD_HHMMSS.txt and exits with:
  0  every file verified and every CSV URL answered 200 (Excluded and NewUpload are information, as in the daily check);
  1  anything else: read the dated report;
  2  the check could not run, including a wrong or missing parameter. The reason is on standard error.
docs/SCHEDULING.md shows how to register it with cron, a systemd timer or the Windows Task Scheduler.

.EXAMPLE
pwsh -NoProfile -NonInteractive -File <module folder>/scripts/Invoke-WeeklyIntegrityCheck.ps1 -WorkspacePath /srv/migration -CsvPath /srv/outputs/output.csv
#>
exit (& ([System.IO.Path]::Combine($PSScriptRoot, 'Invoke-WatchScript.ps1')) -Kind Weekly -Arguments $args)
