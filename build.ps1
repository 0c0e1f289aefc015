<#
.SYNOPSIS
Builds, tests, packages and demonstrates the S3Migration module.

.DESCRIPTION
Tasks:
  Build    dotnet build src/S3Migration: the cmdlet assembly and format file land in bin/, where
           S3Migration.psd1 (RootModule bin/S3Migration.dll) finds them; the engine (src/S3Migration.Engine) and its
           dependencies (AWSSDK.*, CsvHelper) in bin/deps/, which the module loads in its own load context.
  Test     Build, then dotnet test tests/S3Migration.Tests: unit, integration (local moto S3 server) and
           pipeline tests. That suite also runs the Pester acceptance tests in Pester/ when pwsh and Pester 5
           are on PATH, so Test does not run Pester a second time. With -PesterOnly, Test runs only the
           Pester acceptance tests (tag Acceptance) instead of dotnet test.
  Package  Build, then lay out out/S3Migration/<ModuleVersion>/ with S3Migration.psd1, LICENSE, bin/ (without
           .pdb files), scripts/ (the 30-day watch: its nested module and scheduled-task scripts) and the help
           culture folders (en-US/), check it with Test-ModuleManifest and print its path, ready for
           Publish-PSResource -Path (PSResourceGet, which ships with PowerShell 7.4 and later).
  Demo     Build, then run examples/Demo.ps1 (passing -EndpointUrl when given, e.g. a local moto or MinIO).
  Clean    Remove bin/, out/ and the bin/ and obj/ folders of the projects under src/ and tests/.

CI (.ci/run) does not call this script: it installs pwsh and Pester under .tools/ and runs dotnet test directly, the
command README gives; that run packages the module with this script's Package task (Pipeline/ModuleInstallTests).
This script is for developers and operators who have pwsh 7.6+.

The integration and acceptance tests need python3 with moto (pip install 'moto[server]'); set
S3MIGRATION_PYTHON to use another python.

.PARAMETER Task
Build (default), Test, Package, Demo or Clean.

.PARAMETER Configuration
The dotnet build configuration, Release by default.

.PARAMETER EndpointUrl
For Demo: the S3-compatible endpoint to run the demo against, such as http://127.0.0.1:5000.

.PARAMETER OutputPath
For Package: the folder to lay the package out in, out/ by default; the module lands in <OutputPath>/S3Migration/<ModuleVersion>/.

.PARAMETER NoBuild
For Package: package what bin/ holds now, without building first (the tests do this after their own build).

.PARAMETER PesterOnly
For Test: run only the Pester acceptance tests (Pester 5, tag Acceptance), not dotnet test.

.EXAMPLE
./build.ps1
Builds the module into bin/; then Import-Module ./S3Migration.psd1.

.EXAMPLE
./build.ps1 -Task Test -PesterOnly
Builds, then runs Invoke-Pester on Pester/ with tag Acceptance; exits 1 when a test fails.

.EXAMPLE
./build.ps1 -Task Package
Writes out/S3Migration/<ModuleVersion>/ and prints its path; README, Installing, shows Publish-PSResource and Install-PSResource.
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package', 'Demo', 'Clean')]
    [string]$Task = 'Build',

    [string]$Configuration = 'Release',

    [string]$EndpointUrl,

    [string]$OutputPath,

    [switch]$NoBuild,

    [switch]$PesterOnly
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

if (($OutputPath -or $NoBuild) -and $Task -ne 'Package') {
    throw '-OutputPath and -NoBuild go with -Task Package: ./build.ps1 -Task Package -OutputPath ./out'
}
if ($PesterOnly -and $Task -ne 'Test') {
    throw '-PesterOnly goes with -Task Test: ./build.ps1 -Task Test -PesterOnly'
}

$ModuleName = 'S3Migration'
$ManifestPath = Join-Path $PSScriptRoot "$ModuleName.psd1"

function Invoke-Dotnet {
    param([Parameter(Mandatory)][string[]]$Arguments)
    Write-Host "dotnet $($Arguments -join ' ')" -ForegroundColor Cyan
    # To the host, so that a task's output is only what it returns (Package: the package path).
    & dotnet @Arguments | Out-Host
    if ($LASTEXITCODE -ne 0) {
        throw "dotnet $($Arguments[0]) failed with exit code $LASTEXITCODE."
    }
}

function Invoke-Build {
    if (-not (Get-Command -Name dotnet -CommandType Application -ErrorAction SilentlyContinue)) {
        throw 'dotnet was not found on PATH. Install the .NET SDK (https://dot.net) to build S3Migration.'
    }
    Invoke-Dotnet -Arguments @('build', (Join-Path $PSScriptRoot "src/$ModuleName"), '-c', $Configuration)
}

function Invoke-PesterAcceptance {
    $pester = Get-Module -ListAvailable -Name Pester | Where-Object { $_.Version -ge [version]'5.0.0' } |
        Sort-Object -Property Version -Descending | Select-Object -First 1
    if (-not $pester) {
        throw 'Pester 5 is not installed. Install it with: Install-Module Pester -MinimumVersion 5.0.0 -Scope CurrentUser -Force'
    }
    Import-Module $pester.Path -Force

    $config = New-PesterConfiguration
    $config.Run.Path = Join-Path $PSScriptRoot 'Pester'
    $config.Run.PassThru = $true
    $config.Run.Exit = $false
    $config.Filter.Tag = 'Acceptance'
    $config.Output.Verbosity = 'Detailed'
    $config.TestResult.Enabled = $true
    $config.TestResult.OutputFormat = 'NUnitXml'
    $null = New-Item -ItemType Directory -Path (Join-Path $PSScriptRoot 'out') -Force
    $config.TestResult.OutputPath = Join-Path $PSScriptRoot 'out/pester-acceptance.xml'

    # The tests run in this script's session state, below this function: give them the defaults of a plain
    # Invoke-Pester in a new shell rather than this script's strict mode and ErrorActionPreference.
    Set-StrictMode -Off
    $ErrorActionPreference = 'Continue'
    $result = Invoke-Pester -Configuration $config
    if ($result.Result -ne 'Passed' -or $result.FailedCount -gt 0 -or $result.PassedCount -eq 0) {
        Write-Host ("Pester acceptance tests did not pass: {0} passed, {1} failed, {2} skipped; failed blocks: {3}, failed containers: {4}." -f `
                $result.PassedCount, $result.FailedCount, $result.SkippedCount, $result.FailedBlocksCount, $result.FailedContainersCount) -ForegroundColor Red
        exit 1
    }
}

function Invoke-Test {
    Invoke-Build
    if ($PesterOnly) {
        Invoke-PesterAcceptance
        return
    }
    Invoke-Dotnet -Arguments @('test', (Join-Path $PSScriptRoot "tests/$ModuleName.Tests"), '-c', $Configuration)
}

function Invoke-Package {
    if (-not $NoBuild) { Invoke-Build }
    $manifest = Import-PowerShellDataFile -LiteralPath $ManifestPath
    $version = [string]$manifest['ModuleVersion']
    if (-not $version) { throw "$ManifestPath has no ModuleVersion." }

    $outRoot = if ($OutputPath) { [System.IO.Path]::GetFullPath($OutputPath, (Get-Location).ProviderPath) } else { Join-Path $PSScriptRoot 'out' }
    $packageRoot = Join-Path $outRoot $ModuleName
    $destination = Join-Path $packageRoot $version
    if (Test-Path -LiteralPath $destination) {
        Remove-Item -LiteralPath $destination -Recurse -Force
    }
    $null = New-Item -ItemType Directory -Path $destination -Force

    Copy-Item -LiteralPath $ManifestPath -Destination $destination
    Copy-Item -LiteralPath (Join-Path $PSScriptRoot 'LICENSE') -Destination $destination
    # The watch (NestedModules) and its scheduled-task scripts: they import the manifest one folder up, so they run the
    # installed module they ship in.
    Copy-Item -LiteralPath (Join-Path $PSScriptRoot 'scripts') -Destination $destination -Recurse
    $bin = Join-Path $PSScriptRoot 'bin'
    if (-not (Test-Path -LiteralPath (Join-Path $bin "$ModuleName.dll") -PathType Leaf)) {
        throw "$bin/$ModuleName.dll is missing after the build."
    }
    if (-not (Test-Path -LiteralPath (Join-Path $bin "deps/$ModuleName.Engine.dll") -PathType Leaf)) {
        throw "$bin/deps/$ModuleName.Engine.dll is missing after the build."
    }
    # bin/ holds only the cmdlet assembly; the engine and the AWS SDK live in bin/deps/ (the module's own load context).
    # An SDK left in bin/ by a build of 0.2 or earlier is stale: it must not ship.
    $stale = @(Get-ChildItem -LiteralPath $bin -File -Filter '*.dll' | Where-Object Name -ne "$ModuleName.dll")
    if ($stale.Count -gt 0) {
        throw "bin/ holds $($stale.Name -join ', ') from an older build; run ./build.ps1 -Task Clean, then Package again."
    }
    $binPrefixLength = (Get-Item -LiteralPath $bin).FullName.TrimEnd([System.IO.Path]::DirectorySeparatorChar).Length + 1
    foreach ($file in Get-ChildItem -LiteralPath $bin -Recurse -File) {
        if ($file.Extension -eq '.pdb') { continue }
        $relative = $file.FullName.Substring($binPrefixLength)
        $target = Join-Path (Join-Path $destination 'bin') $relative
        $null = New-Item -ItemType Directory -Path (Split-Path -Parent $target) -Force
        Copy-Item -LiteralPath $file.FullName -Destination $target
    }

    # Cmdlet help (about topics and <Module>.dll-Help.xml) lives in culture folders such as en-US/ beside the manifest.
    foreach ($culture in Get-ChildItem -LiteralPath $PSScriptRoot -Directory | Where-Object Name -CMatch '^[a-z]{2}-[A-Z]{2}$') {
        if (Get-ChildItem -LiteralPath $culture.FullName -File | Where-Object { $_.Name -like '*-Help.xml' -or $_.Name -like 'about_*.help.txt' } | Select-Object -First 1) {
            Copy-Item -LiteralPath $culture.FullName -Destination $destination -Recurse
        }
    }

    $packagedManifest = Join-Path $destination "$ModuleName.psd1"
    $info = Test-ModuleManifest -Path $packagedManifest
    Write-Host "Packaged $($info.Name) $($info.Version) in:" -ForegroundColor Green
    Write-Output (Get-Item -LiteralPath $destination).FullName
    Write-Host "Publish it with: Publish-PSResource -Path '$destination' -Repository <repository> [-ApiKey <key>]"
}

function Invoke-Demo {
    Invoke-Build
    $demo = Join-Path $PSScriptRoot 'examples/Demo.ps1'
    if (-not (Test-Path -LiteralPath $demo -PathType Leaf)) {
        throw "$demo does not exist."
    }
    $demoArgs = @{}
    if ($EndpointUrl) { $demoArgs['EndpointUrl'] = $EndpointUrl }
    # Run the demo as it runs on its own, without this script's strict mode and ErrorActionPreference.
    Set-StrictMode -Off
    $ErrorActionPreference = 'Continue'
    & $demo @demoArgs
}

function Invoke-Clean {
    $folders = [System.Collections.Generic.List[string]]::new()
    $folders.Add((Join-Path $PSScriptRoot 'bin'))
    $folders.Add((Join-Path $PSScriptRoot 'out'))
    foreach ($parent in 'src', 'tests') {
        $parentPath = Join-Path $PSScriptRoot $parent
        if (-not (Test-Path -LiteralPath $parentPath)) { continue }
        foreach ($project in Get-ChildItem -LiteralPath $parentPath -Directory) {
            $folders.Add((Join-Path $project.FullName 'bin'))
            $folders.Add((Join-Path $project.FullName 'obj'))
        }
    }
    foreach ($folder in $folders) {
        if (Test-Path -LiteralPath $folder) {
            Write-Host "Removing $folder"
            Remove-Item -LiteralPath $folder -Recurse -Force
        }
    }
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test' { Invoke-Test }
    'Package' { Invoke-Package }
    'Demo' { Invoke-Demo }
    'Clean' { Invoke-Clean }
}
