# A local S3 server (moto) and made-up demo data, for the demo and the Pester acceptance tests.
# Written with .NET calls only, so it also runs in a bare PowerShell engine that has just the core cmdlets.
# These functions use the AWS SDK's types directly. S3Migration keeps its own AWS SDK in a load context of its own
# (it never puts one into the session), so this module loads one into the session: the copy built beside the module
# (bin/deps/), unless the session already has an AWSSDK.S3 (AWS.Tools, for example), whose types then serve.
$loaded = [System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object {
    $_.GetName().Name -eq 'AWSSDK.S3' -and [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_) -eq [System.Runtime.Loader.AssemblyLoadContext]::Default }
if (-not $loaded) {
    $deps = [System.IO.Path]::Combine($PSScriptRoot, '..', 'bin', 'deps')
    foreach ($name in 'AWSSDK.Core', 'AWSSDK.S3') {
        $null = [System.Reflection.Assembly]::LoadFrom([System.IO.Path]::GetFullPath([System.IO.Path]::Combine($deps, "$name.dll")))
    }
}

function Start-LocalS3 {
    <#
    .SYNOPSIS
    Starts moto's S3 server on a free loopback port and returns Process, Port and EndpointUrl.
    The Python interpreter is $env:S3MIGRATION_PYTHON, else python3.
    #>
    [CmdletBinding()]
    param([int] $TimeoutSeconds = 30)
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    $port = $listener.LocalEndpoint.Port
    $listener.Stop()
    $python = if ($env:S3MIGRATION_PYTHON) { $env:S3MIGRATION_PYTHON } else { 'python3' }
    $start = [System.Diagnostics.ProcessStartInfo]::new($python, "-m moto.server -H 127.0.0.1 -p $port")
    $start.UseShellExecute = $false
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    try { $process = [System.Diagnostics.Process]::Start($start) }
    catch { throw "Could not start '$python -m moto.server': $($_.Exception.Message). Install moto (pip install 'moto[server]') or set S3MIGRATION_PYTHON." }
    # Drain its output so a chatty server never blocks on a full pipe.
    $null = $process.StandardOutput.ReadToEndAsync()
    $null = $process.StandardError.ReadToEndAsync()
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ($true) {
        if ($process.HasExited) { throw "moto.server exited with code $($process.ExitCode); is moto installed for $python? (pip install 'moto[server]')" }
        $client = [System.Net.Sockets.TcpClient]::new()
        try { $client.Connect([System.Net.IPAddress]::Loopback, $port); break } catch { } finally { $client.Dispose() }
        if ([DateTime]::UtcNow -gt $deadline) { $process.Kill($true); throw "moto.server did not accept connections on port $port within $TimeoutSeconds s" }
        [System.Threading.Thread]::Sleep(100)
    }
    [pscustomobject]@{ Process = $process; Port = $port; EndpointUrl = "http://127.0.0.1:$port" }
}

function Stop-LocalS3 {
    <# .SYNOPSIS Stops a server started by Start-LocalS3, by its PID. #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Server)
    if ($Server.Process -and -not $Server.Process.HasExited) {
        $Server.Process.Kill($true)
        $null = $Server.Process.WaitForExit(5000)
    }
}

function New-LocalS3Client {
    <#
    .SYNOPSIS
    An AmazonS3Client for an S3-compatible endpoint: path-style, checksums only when required.
    Dummy credentials (moto checks no signature), or with -DefaultCredentials the SDK's usual chain.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [string] $EndpointUrl, [switch] $DefaultCredentials)
    $config = [Amazon.S3.AmazonS3Config]::new()
    $config.ServiceURL = $EndpointUrl
    $config.ForcePathStyle = $true
    $config.AuthenticationRegion = 'us-east-1'
    $config.RequestChecksumCalculation = [Amazon.Runtime.RequestChecksumCalculation]::WHEN_REQUIRED
    $config.ResponseChecksumValidation = [Amazon.Runtime.ResponseChecksumValidation]::WHEN_REQUIRED
    if ($DefaultCredentials) { return [Amazon.S3.AmazonS3Client]::new($config) }
    [Amazon.S3.AmazonS3Client]::new([Amazon.Runtime.BasicAWSCredentials]::new('testing', 'testing'), $config)
}

function Write-LocalS3Object {
    <# .SYNOPSIS Puts one object with text content (UTF-8; '' makes an empty object such as a folder marker); returns its ETag. #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] $Client,
        [Parameter(Mandatory)] [string] $Bucket,
        [Parameter(Mandatory)] [string] $Key,
        [AllowEmptyString()] [string] $Content = '',
        [string] $StorageClass
    )
    $request = [Amazon.S3.Model.PutObjectRequest]::new()
    $request.BucketName = $Bucket
    $request.Key = $Key
    $request.InputStream = [System.IO.MemoryStream]::new([System.Text.Encoding]::UTF8.GetBytes($Content))
    if ($StorageClass) { $request.StorageClass = [Amazon.S3.S3StorageClass]::FindValue($StorageClass) }
    $response = $Client.PutObjectAsync($request).GetAwaiter().GetResult()
    ([string]$response.ETag).Trim('"')
}

function ConvertTo-CsvLine {
    param([string[]]$Fields)
    $quoted = foreach ($field in $Fields) {
        $text = [string]$field
        if ($text -match '[",\r\n]') { '"' + $text.Replace('"', '""') + '"' } else { $text }
    }
    return ($quoted -join ',')
}

function Initialize-DemoBucket {
    <#
    .SYNOPSIS
    Creates -Bucket and seeds it with made-up people, one folder each, plus the objects an inventory must report
    as orphans; writes the people CSV (row_id,name,s3_audio_url,s3_video_url,s3_transcript_url) to -CsvPath.

    .DESCRIPTION
    Person folders:
      101_Ada_Lovelace/   one file of every mapped type (.mp3 .m4a .mp4 .webm .pdf .doc .docx .srt .vtt .jpg .png) and an unknown .xyz
      102_Alan Turing/    a space in the folder name (and in one file name)
      103_Grace_Hopper/   with a folder-marker object '103_Grace_Hopper/' (empty content)
      104_No_Csv_Row/     a person folder without a CSV row
    Orphans by location: 'readme.txt' at the root and 'misc/notes.txt' in a folder that is not a person folder.
    CSV rows: 101, 102, 103, and 105, which has no files.

    .OUTPUTS
    An object with Bucket, CsvPath, Keys (every key written, in order), Objects (key -> content) and CsvRowIds.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][ValidateNotNull()][object]$Client,
        [Parameter(Mandatory)][ValidateNotNullOrEmpty()][string]$Bucket,
        [Parameter(Mandatory)][ValidateNotNullOrEmpty()][string]$CsvPath
    )

    $files = [ordered]@{
        '101_Ada_Lovelace/lecture.mp3'          = 'audio: Ada Lovelace lecture'
        '101_Ada_Lovelace/interview.m4a'        = 'audio: Ada Lovelace interview'
        '101_Ada_Lovelace/talk.mp4'             = 'video: Ada Lovelace talk'
        '101_Ada_Lovelace/talk.webm'            = 'video: Ada Lovelace talk (webm)'
        '101_Ada_Lovelace/notes.pdf'            = 'documents: Ada Lovelace notes'
        '101_Ada_Lovelace/letter.doc'           = 'documents: Ada Lovelace letter'
        '101_Ada_Lovelace/essay.docx'           = 'documents: Ada Lovelace essay'
        '101_Ada_Lovelace/talk.srt'             = "1`n00:00:00,000 --> 00:00:02,000`nAda Lovelace talk`n"
        '101_Ada_Lovelace/talk.vtt'             = "WEBVTT`n`n00:00.000 --> 00:02.000`nAda Lovelace talk`n"
        '101_Ada_Lovelace/portrait.jpg'         = 'images: Ada Lovelace portrait'
        '101_Ada_Lovelace/diagram.png'          = 'images: Ada Lovelace diagram'
        '101_Ada_Lovelace/engine.xyz'           = 'unknown: Ada Lovelace engine data'
        '102_Alan Turing/interview.m4a'         = 'audio: Alan Turing interview'
        '102_Alan Turing/lecture.mp4'           = 'video: Alan Turing lecture'
        '102_Alan Turing/lecture.vtt'           = "WEBVTT`n`n00:00.000 --> 00:02.000`nAlan Turing lecture`n"
        '102_Alan Turing/computing machinery.pdf' = 'documents: Alan Turing paper'
        '102_Alan Turing/photo.png'             = 'images: Alan Turing photo'
        '103_Grace_Hopper/'                     = ''
        '103_Grace_Hopper/keynote.mp3'          = 'audio: Grace Hopper keynote'
        '103_Grace_Hopper/keynote.webm'         = 'video: Grace Hopper keynote'
        '103_Grace_Hopper/keynote.srt'          = "1`n00:00:00,000 --> 00:00:02,000`nGrace Hopper keynote`n"
        '103_Grace_Hopper/memo.doc'             = 'documents: Grace Hopper memo'
        '103_Grace_Hopper/photo.jpg'            = 'images: Grace Hopper photo'
        '104_No_Csv_Row/a.mp3'                  = 'audio: a person folder without a CSV row'
        'misc/notes.txt'                        = 'not a person folder'
        'readme.txt'                            = 'a file at the bucket root'
    }

    $request = [Amazon.S3.Model.PutBucketRequest]::new()
    $request.BucketName = $Bucket
    $null = $Client.PutBucketAsync($request).GetAwaiter().GetResult()
    foreach ($key in $files.Keys) {
        $null = Write-LocalS3Object -Client $Client -Bucket $Bucket -Key $key -Content $files[$key]
    }

    $lines = @(
        ConvertTo-CsvLine @('row_id', 'name', 's3_audio_url', 's3_video_url', 's3_transcript_url')
        ConvertTo-CsvLine @('101', 'Ada Lovelace', "s3://$Bucket/101_Ada_Lovelace/lecture.mp3", "s3://$Bucket/101_Ada_Lovelace/talk.mp4", "s3://$Bucket/101_Ada_Lovelace/talk.srt")
        ConvertTo-CsvLine @('102', 'Alan Turing', "s3://$Bucket/102_Alan Turing/interview.m4a", "s3://$Bucket/102_Alan Turing/lecture.mp4", "s3://$Bucket/102_Alan Turing/lecture.vtt")
        ConvertTo-CsvLine @('103', 'Grace Hopper', "s3://$Bucket/103_Grace_Hopper/keynote.mp3", "s3://$Bucket/103_Grace_Hopper/keynote.webm", "s3://$Bucket/103_Grace_Hopper/keynote.srt")
        ConvertTo-CsvLine @('105', 'Nobody Uploaded', '', '', '')
    )
    $fullCsvPath = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($CsvPath)
    $folder = [System.IO.Path]::GetDirectoryName($fullCsvPath)
    if ($folder) { $null = [System.IO.Directory]::CreateDirectory($folder) }
    [System.IO.File]::WriteAllText($fullCsvPath, ($lines -join "`n") + "`n", [System.Text.UTF8Encoding]::new($false))

    [pscustomobject]@{
        Bucket    = $Bucket
        CsvPath   = $fullCsvPath
        Keys      = [string[]]@($files.Keys)
        Objects   = $files
        CsvRowIds = [string[]]@('101', '102', '103', '105')
    }
}

Export-ModuleMember -Function Start-LocalS3, Stop-LocalS3, New-LocalS3Client, Write-LocalS3Object, Initialize-DemoBucket
