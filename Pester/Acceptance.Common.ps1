<#
    Shared by the acceptance files, dot-sourced inside their Describe's BeforeAll:

        BeforeAll {
            . (Join-Path $PSScriptRoot 'Acceptance.Common.ps1')
            $session = Enter-AcceptanceSession
            $endpoint = $session.Endpoint; $s3 = $session.S3
        }
        AfterAll { Exit-AcceptanceSession -Session $session }

    It imports the built module and examples/LocalS3.psm1, sets dummy AWS credentials for the SDK's default chain
    (moto checks no signature), and starts a local S3 server on a free loopback port; Exit undoes all of it.
#>

function Enter-AcceptanceSession {
    $saved = @{}
    foreach ($name in 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION') {
        $saved[$name] = [Environment]::GetEnvironmentVariable($name)
    }
    $moduleDll = Join-Path $PSScriptRoot '../bin/S3Migration.dll'
    if (-not (Test-Path -LiteralPath $moduleDll -PathType Leaf)) {
        throw 'Build the module first: dotnet build src/S3Migration (or ./build.ps1 -Task Build)'
    }
    Import-Module (Join-Path $PSScriptRoot '../S3Migration.psd1') -Force -Global -ErrorAction Stop
    Import-Module (Join-Path $PSScriptRoot '../examples/LocalS3.psm1') -Force -Global -ErrorAction Stop

    $env:AWS_ACCESS_KEY_ID = 'testing'
    $env:AWS_SECRET_ACCESS_KEY = 'testing'
    $env:AWS_REGION = 'us-east-1'

    try { $moto = Start-LocalS3 }
    catch {
        foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        throw
    }
    [pscustomobject]@{
        Moto             = $moto
        Endpoint         = $moto.EndpointUrl
        S3               = New-LocalS3Client -EndpointUrl $moto.EndpointUrl
        SavedEnvironment = $saved
    }
}

function Exit-AcceptanceSession {
    param([AllowNull()] $Session)
    if ($null -eq $Session) { return }
    if ($null -ne $Session.S3) { $Session.S3.Dispose() }
    if ($null -ne $Session.Moto) { Stop-LocalS3 -Server $Session.Moto }
    foreach ($name in $Session.SavedEnvironment.Keys) {
        [Environment]::SetEnvironmentVariable($name, $Session.SavedEnvironment[$name])
    }
}

# What an operator would check with the SDK (or the console) after a run.

function Get-TestObjectHead {
    param([Parameter(Mandatory)] $Client, [Parameter(Mandatory)] [string] $Bucket, [Parameter(Mandatory)] [string] $Key)
    $request = [Amazon.S3.Model.GetObjectMetadataRequest]::new()
    $request.BucketName = $Bucket
    $request.Key = $Key
    $Client.GetObjectMetadataAsync($request, [System.Threading.CancellationToken]::None).GetAwaiter().GetResult()
}

function Get-TestObjectText {
    param([Parameter(Mandatory)] $Client, [Parameter(Mandatory)] [string] $Bucket, [Parameter(Mandatory)] [string] $Key)
    $request = [Amazon.S3.Model.GetObjectRequest]::new()
    $request.BucketName = $Bucket
    $request.Key = $Key
    $response = $Client.GetObjectAsync($request, [System.Threading.CancellationToken]::None).GetAwaiter().GetResult()
    try {
        $reader = [System.IO.StreamReader]::new($response.ResponseStream, [System.Text.Encoding]::UTF8)
        $reader.ReadToEnd()
    }
    finally { $response.Dispose() }
}

function Get-TestBucketKey {
    param([Parameter(Mandatory)] $Client, [Parameter(Mandatory)] [string] $Bucket, [string] $Prefix)
    $request = [Amazon.S3.Model.ListObjectsV2Request]::new()
    $request.BucketName = $Bucket
    if ($Prefix) { $request.Prefix = $Prefix }
    do {
        $page = $Client.ListObjectsV2Async($request, [System.Threading.CancellationToken]::None).GetAwaiter().GetResult()
        foreach ($object in $page.S3Objects) {
            if ($null -ne $object) { $object.Key }
        }
        $request.ContinuationToken = $page.NextContinuationToken
    } while ($page.IsTruncated -eq $true)
}

function Remove-TestObject {
    param([Parameter(Mandatory)] $Client, [Parameter(Mandatory)] [string] $Bucket, [Parameter(Mandatory)] [string] $Key)
    $request = [Amazon.S3.Model.DeleteObjectRequest]::new()
    $request.BucketName = $Bucket
    $request.Key = $Key
    $null = $Client.DeleteObjectAsync($request, [System.Threading.CancellationToken]::None).GetAwaiter().GetResult()
}
