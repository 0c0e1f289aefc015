<#
The 30-day watch after a migration: Invoke-MigrationWatch, a command of the module (this file is a nested module of
S3Migration.psd1), so the daily (week 1) and weekly (weeks 2-3) checks run from an installed module as well as from a
checkout, and both apply one rule for reports and exit codes. The scheduled-task scripts beside this file
(Invoke-DailyIntegrityCheck.ps1, Invoke-WeeklyIntegrityCheck.ps1) are thin wrappers that exit with its ExitCode.
Uses only the module's cmdlets, core cmdlets and .NET, so it runs in any PowerShell 7 host, including a bare scheduled
task. The module's cmdlets are called module-qualified (S3Migration\...), so a command of the same name from another
module in the session can never stand in for them.
#>

function Invoke-MigrationWatch {
    <#
    .SYNOPSIS
    Runs the daily or weekly integrity check of the 30-day watch and says, as an exit code, whether all is well.

    .DESCRIPTION
    Test-MigrationIntegrity on the migration recorded in -WorkspacePath (every copy's destination against the journal:
    size and ETag from the type folders' listing, a HEAD of what the listing cannot prove; its source against the
    copy), with -Deep every destination HEADed (headers, metadata, tags) and the contents hashed where an ETag proves
    nothing, and with -CheckCsvUrls every URL of the people CSV requested (Test-OutputCsvUrl). Writes dated reports into
    <workspace>/reports/ (Kind_YYYYMMDD_HHMMSS_verification.csv and Kind_YYYYMMDD_HHMMSS.txt; a second run in the same
    second gets a suffix) and never touches the migration's own verification_report.csv and rollback_plan.json.

    Returns one S3Migration.WatchResult: Kind, Result (Ok, ProblemsFound, CouldNotRun), ExitCode, Lines (the summary
    text), SummaryPath and ReportPath. ExitCode is what a scheduled task exits with:
      0  every check passed; files left out of the copy by choice (Excluded) and new uploads whose keys follow the
         naming rule (NewUpload, the application at work) are listed as information, never an alarm;
      1  something is not right (a file missing, mismatched or changed, an object that follows no rule in a type folder
         or a new one in an old person folder, a CSV URL that does not answer 200): read the report;
      2  the check itself could not run (bad workspace, another run writing into it, S3 unreachable, credentials, report
         not written). The reason is also written as an error (WatchCouldNotRun).

    .PARAMETER Kind
    Daily (week 1) or Weekly (weeks 2 and 3); names the reports. Weekly is the plan's deeper check: it implies -Deep,
    and -CheckCsvUrls when -CsvPath is given.

    .EXAMPLE
    Invoke-MigrationWatch -Kind Daily -WorkspacePath /srv/migration -Region eu-west-1

    .EXAMPLE
    pwsh -NoProfile -File (Join-Path (Get-Module S3Migration -ListAvailable)[0].ModuleBase 'scripts/Invoke-DailyIntegrityCheck.ps1') -WorkspacePath /srv/migration

    The scheduled-task form: the script ships inside the module and exits with ExitCode.
    #>
    [CmdletBinding(HelpUri = 'https://github.com/s3migration/S3Migration#the-30-day-watch-invoke-migrationwatch')]
    [OutputType('S3Migration.WatchResult')]
    param(
        [Parameter(Mandatory)] [ValidateSet('Daily', 'Weekly')] [string] $Kind,
        # The completers are the module's own (S3Migration.dll, loaded with the module before this function is first used).
        [Parameter(Mandatory)] [ArgumentCompleter([S3Migration.Cmdlets.WorkspaceFolderCompleter])] [string] $WorkspacePath,
        [string] $ReportFolder,
        [string] $EndpointUrl,
        [ArgumentCompleter([S3Migration.Cmdlets.RegionCompleter])] [string] $Region,
        [ArgumentCompleter([S3Migration.Cmdlets.ProfileNameCompleter])] [string] $ProfileName,
        [string] $CsvPath,
        # The map the migration was planned with (Get-MigrationInventory -FileTypeMap), if it was not the default.
        [hashtable] $FileTypeMap,
        [switch] $Deep,
        # After cleanup the old person folders are gone on purpose.
        [switch] $SkipSourceCheck,
        [switch] $CheckCsvUrls
    )
    $kindName = $Kind.ToLowerInvariant()
    if ($Kind -eq 'Weekly') {
        $Deep = [switch]::new($true)
        if ($CsvPath) { $CheckCsvUrls = [switch]::new($true) }
    }
    $lines = [System.Collections.Generic.List[string]]::new()
    $summaryPath = $null
    $report = $null
    # Everything that can fail to run is inside the try, so any such failure is 2, never 1 ("not verified").
    try {
        $ErrorActionPreference = 'Stop'
        $workspace = [System.IO.Path]::GetFullPath($WorkspacePath)
        if (-not [System.IO.Directory]::Exists($workspace)) { throw "The workspace '$workspace' does not exist." }
        try {
            [S3Migration.Workspace.WorkspaceInUse]::Ensure($workspace, 'A check now would judge a half-finished run; run the watch when it has finished.')
        }
        catch [System.Management.Automation.MethodInvocationException] { throw $_.Exception.InnerException }   # the engine's own message
        if ($CheckCsvUrls -and -not $CsvPath) { throw '-CheckCsvUrls needs -CsvPath: the people CSV whose URLs to check.' }
        if (-not $ReportFolder) { $ReportFolder = [System.IO.Path]::Combine($workspace, 'reports') }
        $null = [System.IO.Directory]::CreateDirectory($ReportFolder)
        # Dated names (daily_YYYYMMDD_HHMMSS.txt and daily_YYYYMMDD_HHMMSS_verification.csv); a second run within the
        # same second gets a suffix rather than overwriting the first's reports.
        $base = [DateTime]::UtcNow.ToString('yyyyMMdd_HHmmss')
        $stamp = $base
        for ($n = 2; [System.IO.File]::Exists([System.IO.Path]::Combine($ReportFolder, "${kindName}_$stamp.txt")) -or
                     [System.IO.File]::Exists([System.IO.Path]::Combine($ReportFolder, "${kindName}_${stamp}_verification.csv")); $n++) {
            $stamp = "${base}_$n"
        }
        $report = [System.IO.Path]::Combine($ReportFolder, "${kindName}_${stamp}_verification.csv")
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

        $summary = S3Migration\Test-MigrationIntegrity @integrity @connection -WarningAction SilentlyContinue
        if ($null -eq $summary) { throw 'Test-MigrationIntegrity returned no summary.' }
        if (-not [System.IO.File]::Exists($report)) { throw "Test-MigrationIntegrity did not write $report." }

        $lines.Add("$kindName integrity check $stamp UTC of $workspace$(if ($Deep) { ' (deep: contents hashed)' })")
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
            $urls = @(S3Migration\Test-OutputCsvUrl -Path $CsvPath -WorkspacePath $workspace @connection -ErrorAction Continue)
            $bad = @($urls | Where-Object { $_.Status.ToString() -ne 'Ok' })
            $lines.Add("CSV URLs: $($urls.Count) checked, $($bad.Count) not answering 200.")
            foreach ($u in $bad) { $lines.Add("  $u") } # ToString gives status, URL without query, row and person
            if ($bad.Count -gt 0) { $ok = $false }
        }
        $lines.Add("Result: $(if ($ok) { 'OK' } else { 'PROBLEMS FOUND' })")
        $summaryPath = [System.IO.Path]::Combine($ReportFolder, "${kindName}_$stamp.txt")
        [System.IO.File]::WriteAllLines($summaryPath, [string[]]$lines)
        $result = if ($ok) { 'Ok' } else { 'ProblemsFound' }
    }
    catch {
        $reason = $_.Exception.Message
        $lines.Add("The $kindName integrity check could not run: $reason")
        $result = 'CouldNotRun'
        $ErrorActionPreference = 'Continue'
        # An error record as well as the result: a caller with -ErrorAction Stop gets it thrown, a scheduled task's log
        # gets it on standard error, and $result.ExitCode is 2 either way.
        $PSCmdlet.WriteError([System.Management.Automation.ErrorRecord]::new(
                [System.InvalidOperationException]::new("The $kindName integrity check could not run: $reason", $_.Exception),
                'WatchCouldNotRun', [System.Management.Automation.ErrorCategory]::NotSpecified, $WorkspacePath))
    }
    [pscustomobject]@{
        PSTypeName  = 'S3Migration.WatchResult'
        Kind        = $Kind
        Result      = $result
        ExitCode    = switch ($result) { 'Ok' { 0 } 'ProblemsFound' { 1 } default { 2 } }
        Lines       = [string[]]$lines
        SummaryPath = $summaryPath
        ReportPath  = if ($result -ne 'CouldNotRun') { $report } else { $null }
    }
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
