<#
The shared body of the two scheduled-task scripts (called by them with their own $args): import the module the
scripts ship in, bind the caller's parameters to Invoke-MigrationWatch inside a try, print the summary and return the
exit code, which the caller passes to exit (an exit in here would end only this script, and pwsh -File would exit 0).
Every failure to run, binding included, returns 2.
#>
param([Parameter(Mandatory)] [ValidateSet('Daily', 'Weekly')] [string] $Kind, [object[]] $Arguments)
$ErrorActionPreference = 'Stop'
try {
    # The manifest one folder up: the scripts ship in the module (<module>/<version>/scripts/ when installed) and a
    # checkout has the same shape, so the version that runs is always the one the script came with.
    Import-Module ([System.IO.Path]::Combine($PSScriptRoot, '..', 'S3Migration.psd1'))
    # @Arguments keeps the caller's -Name value pairs as named parameters (PowerShell marks them when it fills $args).
    # The reason a check could not run is in its Lines, printed below: the error record itself is not needed here.
    $watch = Invoke-MigrationWatch -Kind $Kind @Arguments -ErrorAction SilentlyContinue
}
catch {
    [Console]::Error.WriteLine("The $($Kind.ToLowerInvariant()) integrity check could not run: $($_.Exception.Message)")
    return 2
}
if ($null -eq $watch) { return 2 }
foreach ($line in $watch.Lines) {
    if ($watch.ExitCode -eq 2) { [Console]::Error.WriteLine($line) } else { [Console]::Out.WriteLine($line) }
}
return $watch.ExitCode
