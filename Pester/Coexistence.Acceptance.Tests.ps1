<#
    Acceptance tests for issue 12's blocker: S3Migration loads beside AWS.Tools. What collides is AWS.Tools'
    AWSSDK.Core in PowerShell's default load context (3.7.x with AWS.Tools 4, 4.0.x with AWS.Tools 5), so each case
    runs a fresh pwsh that adds such an AWSSDK.Core with Add-Type before or after Import-Module S3Migration, then runs
    Get-MigrationInventory | Copy-PersonFiles against the local S3 server with -Credential made from that foreign SDK.
    A fresh process per case: this one already holds the module and LocalS3.psm1's SDK. AWS.Tools itself is not needed.

    Needs: the module built (dotnet build src/S3Migration, or ./build.ps1 -Task Build), python3 with moto, Pester 5,
    and the .NET SDK with access to a NuGet source (AWSSDK.Core 3.7.402 and 4.0.3.3 are restored into .tools/awssdk/
    by a throwaway project, once).
    Run:   Invoke-Pester -Path ./Pester -Tag Acceptance -Output Detailed   (or ./build.ps1 -Task Test -PesterOnly)
#>

Describe 'Import-Module S3Migration beside another AWSSDK.Core' -Tag 'Acceptance' {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'Acceptance.Common.ps1')
        $session = Enter-AcceptanceSession
        $endpoint = $session.Endpoint
        $s3 = $session.S3

        $versions = '3.7.402', '4.0.3.3'
        $packages = [System.IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../.tools/awssdk'))
        $coreOf = { param($v) Join-Path $packages "awssdk.core/$v/lib/net8.0/AWSSDK.Core.dll" }
        if (@($versions | Where-Object { -not (Test-Path -LiteralPath (& $coreOf $_)) }).Count -gt 0) {
            $project = Join-Path $TestDrive 'restore'
            $null = New-Item -ItemType Directory -Path $project
            $list = ($versions | ForEach-Object { "[$_]" }) -join ';'
            Set-Content -LiteralPath (Join-Path $project 'restore.csproj') -Value @"
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net8.0</TargetFramework></PropertyGroup>
  <ItemGroup><PackageDownload Include="AWSSDK.Core" Version="$list" /></ItemGroup>
</Project>
"@
            $restore = & dotnet restore $project --packages $packages -nologo -v quiet 2>&1
            if ($LASTEXITCODE -ne 0) { throw "dotnet restore of AWSSDK.Core $($versions -join ', ') failed: $restore" }
        }

        # The pwsh running this file: a native pwsh, or the dotnet tool's pwsh.dll under the dotnet host.
        $exe = [Environment]::ProcessPath
        $prefix = @(if ([System.IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })

        $script = Join-Path $TestDrive 'beside.ps1'
        Set-Content -LiteralPath $script -Value @'
param($Manifest, $Core, $Order, $Bucket, $Endpoint, $Workspace)
$ErrorActionPreference = 'Stop'
if ($Order -eq 'before') { Add-Type -Path $Core }
Import-Module $Manifest
if ($Order -eq 'after') { Add-Type -Path $Core }
"SESSION SDK $([Amazon.Runtime.AWSCredentials].Assembly.Location)"
$credential = [Amazon.Runtime.BasicAWSCredentials]::new('testing', 'testing')
$items = @(Get-MigrationInventory -Bucket $Bucket -EndpointUrl $Endpoint -Credential $credential -WorkspacePath $Workspace)
"PLANNED $(@($items | Where-Object Status -eq 'Planned').Count)"
$copied = @($items | Copy-PersonFiles -WorkspacePath $Workspace -EndpointUrl $Endpoint -Credential $credential)
"VERIFIED $(@($copied | Where-Object Status -eq 'Verified').Count) OF $($copied.Count)"
'@
    }
    AfterAll { Exit-AcceptanceSession -Session $session }

    It 'inventories and copies with AWSSDK.Core <Version> added <Order> Import-Module' -TestCases @(
        @{ Version = '3.7.402'; Order = 'before' }
        @{ Version = '3.7.402'; Order = 'after' }
        @{ Version = '4.0.3.3'; Order = 'before' }
        @{ Version = '4.0.3.3'; Order = 'after' }
    ) {
        $core = & $coreOf $Version
        $bucket = "beside-$($Version.Replace('.', '-'))-$Order"
        $null = $s3.PutBucketAsync($bucket).GetAwaiter().GetResult()
        $null = Write-LocalS3Object -Client $s3 -Bucket $bucket -Key '101_Ada_Lovelace/song.mp3' -Content "ada's song"
        $null = Write-LocalS3Object -Client $s3 -Bucket $bucket -Key '101_Ada_Lovelace/notes.pdf' -Content "ada's notes"
        $workspace = Join-Path $TestDrive "ws-$bucket"

        $output = & $exe @prefix -NoProfile -NonInteractive -File $script -Manifest (Join-Path $PSScriptRoot '../S3Migration.psd1') `
            -Core $core -Order $Order -Bucket $bucket -Endpoint $endpoint -Workspace $workspace 2>&1 | Out-String
        $LASTEXITCODE | Should -Be 0 -Because $output
        $output | Should -BeLike "*SESSION SDK $core*" -Because 'the session holds the foreign AWSSDK.Core, not the module''s'
        $output | Should -BeLike '*PLANNED 2*'
        $output | Should -BeLike '*VERIFIED 2 OF 2*'
    }
}
