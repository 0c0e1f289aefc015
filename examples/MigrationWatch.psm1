<#
The 30-day watch after a migration, shared by the daily (week 1) and weekly (weeks 2-3) scheduled-task scripts,
so both apply one rule for reports and exit codes:
  0  every check passed; files left out of the copy by choice (Excluded) and new uploads whose keys follow the
     naming rule (NewUpload, the application at work) are listed as information, never an alarm;
  1  something is not right (a file missing, mismatched or changed, an object that follows no rule in a type folder or
     a new one in an old person folder, a CSV URL that does not answer 200): read the report;
  2  the check itself could not run (module not loaded, bad workspace, S3 unreachable, credentials, report not written).
Uses only core cmdlets and .NET, so it runs in any PowerShell 7 host, including a bare scheduled task.
#>

function Invoke-MigrationWatch {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [ValidateSet('daily', 'weekly')] [string] $Kind,
        [Parameter(Mandatory)] [string] $WorkspacePath,
        [string] $ReportFolder,
        [string] $EndpointUrl,
        [string] $Region,
        [string] $ProfileName,
        [string] $CsvPath,
        [hashtable] $FileTypeMap,
        [switch] $Deep,
        [switch] $SkipSourceCheck,
        [switch] $CheckCsvUrls
    )
    $ErrorActionPreference = 'Stop'
    # Everything that can fail to run is inside the try, so any such failure is 2, never 1 ("not verified").
    try {
        Import-Module ([System.IO.Path]::Combine($PSScriptRoot, '..', 'S3Migration.psd1'))
        $workspace = [System.IO.Path]::GetFullPath($WorkspacePath)
        if (-not $ReportFolder) { $ReportFolder = [System.IO.Path]::Combine($workspace, 'reports') }
        $null = [System.IO.Directory]::CreateDirectory($ReportFolder)
        # Dated names (daily_YYYYMMDD_HHMMSS.txt and daily_YYYYMMDD_HHMMSS_verification.csv); a second run within the
        # same second gets a suffix rather than overwriting the first's reports.
        $base = [DateTime]::UtcNow.ToString('yyyyMMdd_HHmmss')
        $stamp = $base
        for ($n = 2; [System.IO.File]::Exists([System.IO.Path]::Combine($ReportFolder, "${Kind}_$stamp.txt")) -or
                     [System.IO.File]::Exists([System.IO.Path]::Combine($ReportFolder, "${Kind}_${stamp}_verification.csv")); $n++) {
            $stamp = "${base}_$n"
        }
        $report = [System.IO.Path]::Combine($ReportFolder, "${Kind}_${stamp}_verification.csv")
        $connection = @{}
        foreach ($name in 'EndpointUrl', 'Region', 'ProfileName') {
            if ($PSBoundParameters.ContainsKey($name)) { $connection[$name] = $PSBoundParameters[$name] }
        }
        # -ReportPath: the check writes this dated report and leaves the migration's own verification_report.csv and
        # rollback_plan.json as the phase-2 check wrote them.
        $integrity = @{ WorkspacePath = $workspace; ReportPath = $report; Summary = $true; Deep = $Deep; SkipSourceCheck = $SkipSourceCheck }
        if ($CsvPath) { $integrity.CsvPath = $CsvPath }
        # A migration planned with a custom map must be checked with it, or its targets look misnamed.
        if ($FileTypeMap) { $integrity.FileTypeMap = $FileTypeMap }

        $summary = Test-MigrationIntegrity @integrity @connection -WarningAction SilentlyContinue
        if ($null -eq $summary) { throw 'Test-MigrationIntegrity returned no summary.' }
        if (-not [System.IO.File]::Exists($report)) { throw "Test-MigrationIntegrity did not write $report." }

        $lines = [System.Collections.Generic.List[string]]::new()
        $lines.Add("$Kind integrity check $stamp UTC of $workspace$(if ($Deep) { ' (deep: contents hashed)' })")
        $watchDay = Get-WatchDay $workspace
        if ($null -ne $watchDay) { $lines.Add("Day $watchDay of the 30-day watch since the copy finished.") }
        $lines.Add($summary.ToString())
        $lines.Add("Missing: $($summary.MissingKeys -join ', ')")
        $lines.Add("Persons incomplete: $($summary.PersonsIncomplete -join '; ')")
        # Information, not alarms: AllVerified (and so the exit code) leaves both out.
        if ($summary.Excluded -gt 0) {
            $files = if ($summary.Excluded -eq 1) { 'file' } else { 'files' }
            $lines.Add("Information: $($summary.Excluded) $files left out of the copy by choice (Excluded in the report).")
        }
        if ($summary.NewUploads -gt 0) {
            $uploads = if ($summary.NewUploads -eq 1) { 'upload that follows' } else { 'uploads that follow' }
            $lines.Add("Information: $($summary.NewUploads) new $uploads the naming rule: $($summary.NewUploadKeys -join ', ')")
        }
        $lines.Add("Report: $report")
        $ok = [bool]$summary.AllVerified

        if ($CheckCsvUrls) {
            if (-not $CsvPath) { throw '-CheckCsvUrls needs -CsvPath: the people CSV whose URLs to check.' }
            $urls = @(Test-OutputCsvUrl -Path $CsvPath -WorkspacePath $workspace @connection -ErrorAction Continue)
            $bad = @($urls | Where-Object { $_.Status.ToString() -ne 'Ok' })
            $lines.Add("CSV URLs: $($urls.Count) checked, $($bad.Count) not answering 200.")
            foreach ($u in $bad) { $lines.Add("  $u") } # ToString gives status, URL without query, row and person
            if ($bad.Count -gt 0) { $ok = $false }
        }
        $lines.Add("Result: $(if ($ok) { 'OK' } else { 'PROBLEMS FOUND' })")
        [System.IO.File]::WriteAllLines([System.IO.Path]::Combine($ReportFolder, "${Kind}_$stamp.txt"), [string[]]$lines)
        foreach ($line in $lines) { [Console]::Out.WriteLine($line) }
    }
    catch {
        [Console]::Error.WriteLine("The $Kind integrity check could not run: $($_.Exception.Message)")
        return 2
    }
    if ($ok) { 0 } else { 1 }
}

# Days since the copy finished (migration_summary.json's end_time), or $null when the summary does not say.
function Get-WatchDay([string] $workspace) {
    $path = [System.IO.Path]::Combine($workspace, 'migration_summary.json')
    if (-not [System.IO.File]::Exists($path)) { return $null }
    $doc = [System.Text.Json.JsonDocument]::Parse([System.IO.File]::ReadAllText($path))
    try {
        $end = [System.Text.Json.JsonElement]::new()
        if (-not $doc.RootElement.TryGetProperty('end_time', [ref]$end) -or $end.ValueKind -ne 'String') { return $null }
        $finished = [DateTime]::Parse($end.GetString(), [Globalization.CultureInfo]::InvariantCulture, [Globalization.DateTimeStyles]::RoundtripKind)
        [int][Math]::Floor(([DateTime]::UtcNow - $finished.ToUniversalTime()).TotalDays) + 1
    }
    finally { $doc.Dispose() }
}

Export-ModuleMember -Function Invoke-MigrationWatch
