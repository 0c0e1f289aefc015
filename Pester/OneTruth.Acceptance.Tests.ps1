<#
    Acceptance tests for the seams between the phases (one migration, one truth): the whole plan in the order of the
    seed, run the way an operator's CI runs the module, against a local S3 server (moto).

    Phase 1 backs up the bucket (GLACIER) and the people CSV; phases 2-3 run the design card's four cmdlets in one
    pipeline, with the quick start's filter; during the watch an application bug rewrites the user metadata of one copy
    (same bytes, same ETag). Then the cleanup, and after it everything an operator may try: the daily check, the final
    report, Undo-Migration and Restore-OutputCsv. No phase may undo, delete or declare closed what another still needs.

    Needs: the module built (dotnet build src/S3Migration, or ./build.ps1 -Task Build), python3 with moto
    (pip install 'moto[server]'; S3MIGRATION_PYTHON picks another python), Pester 5.
    Run:   Invoke-Pester -Path ./Pester -Tag Acceptance -Output Detailed   (or ./build.ps1 -Task Test -PesterOnly)
#>

Describe 'One migration, one truth: the plan end to end' -Tag 'Acceptance' {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'Acceptance.Common.ps1')
        $session = Enter-AcceptanceSession
        $endpoint = $session.Endpoint
        $s3 = $session.S3
        $connection = @{ EndpointUrl = $endpoint; Region = 'us-east-1' }
        $daily = Join-Path $PSScriptRoot '../scripts/Invoke-DailyIntegrityCheck.ps1'

        $bucket = 'onetruth-acceptance'
        $backupBucket = 'onetruth-acceptance-backup'
        $csv = Join-Path $TestDrive 'outputs/output.csv'
        $null = New-Item -ItemType Directory -Path (Split-Path $csv) -Force
        # Not in TestDrive: Pester removes what a Context adds there when the Context ends, and the workspace must keep
        # what every phase writes for the ones after it.
        $ws = Join-Path ([System.IO.Path]::GetTempPath()) ('s3migration-onetruth-' + [Guid]::NewGuid().ToString('N'))
        $demo = Initialize-DemoBucket -Client $s3 -Bucket $bucket -CsvPath $csv
        $null = $s3.PutBucketAsync($backupBucket).GetAwaiter().GetResult()
        $originalCsv = [System.IO.File]::ReadAllBytes($csv)

        # Phase 1: the Glacier backup of the old structure and the CSV backup; the workspace learns which CSV it serves.
        $null = Backup-MigrationSource -SourceBucket $bucket -BackupBucket $backupBucket -StorageClass GLACIER -WorkspacePath $ws @connection -ErrorAction Stop
        $null = Backup-OutputCsv -Path $csv -WorkspacePath $ws -ErrorAction Stop

        # Phases 2-3: the design card's pipeline, literally, with the quick start's filter.
        $updateOutput = @(Get-MigrationInventory -Bucket $bucket -CsvPath $csv -WorkspacePath $ws @connection |
                Where-Object FileType -ne '_unknown' |
                Copy-PersonFiles -WorkspacePath $ws @connection |
                Test-MigrationIntegrity @connection -WarningAction SilentlyContinue |
                Update-OutputCsv -Path $csv -WarningAction SilentlyContinue)
        $updatedCsv = [System.IO.File]::ReadAllBytes($csv)
        $journal = @(Import-Csv (Join-Path $ws 'migration_log.csv'))

        # During the watch: an application bug rewrites the user metadata of one copy in place (same bytes, same ETag).
        # Later than the copy, as in life: the daily check sees it in the listing's LastModified (to the second), and HEADs it.
        $copiedAt = ($journal | ForEach-Object { [datetime]::Parse($_.copy_timestamp, [cultureinfo]::InvariantCulture, 'RoundtripKind').ToUniversalTime() } | Measure-Object -Maximum).Maximum
        $wait = $copiedAt.AddSeconds(1.2) - [datetime]::UtcNow
        if ($wait -gt [timespan]::Zero) { Start-Sleep -Milliseconds ([int]$wait.TotalMilliseconds) }
        $tamperedSource = '103_Grace_Hopper/keynote.mp3'
        $tamperedKey = ($journal | Where-Object old_s3_path -eq "s3://$bucket/$tamperedSource").new_s3_path -replace "^s3://$bucket/", ''
        $copy = [Amazon.S3.Model.CopyObjectRequest]@{
            SourceBucket = $bucket; SourceKey = $tamperedKey; DestinationBucket = $bucket; DestinationKey = $tamperedKey
            MetadataDirective = [Amazon.S3.S3MetadataDirective]::REPLACE; TaggingDirective = [Amazon.S3.TaggingDirective]::COPY
            ContentType = (Get-TestObjectHead -Client $s3 -Bucket $bucket -Key $tamperedKey).Headers.ContentType
        }
        $copy.Metadata.Add('rewritten-by', 'a bug')
        $null = $s3.CopyObjectAsync($copy).GetAwaiter().GetResult()
        & $daily -WorkspacePath $ws @connection | Out-Null
        $dailyBefore = $LASTEXITCODE

        # Phase 5: the cleanup (the grace period skipped with -Force on this test bucket).
        $removed = @(Remove-MigrationSource -WorkspacePath $ws @connection -Force -Confirm:$false -WarningAction SilentlyContinue)

        # After the cleanup: a new upload into the old layout; then the watch, the final report, the undo and the restore.
        $null = Write-LocalS3Object -Client $s3 -Bucket $bucket -Key '101_Ada_Lovelace/late upload.mp3' -Content 'uploaded to the old layout'
        $after = @(Test-MigrationIntegrity -WorkspacePath $ws -SkipSourceCheck @connection -WarningAction SilentlyContinue)
        & $daily -WorkspacePath $ws -SkipSourceCheck @connection | Out-Null
        $dailyAfter = $LASTEXITCODE
        $final = New-MigrationFinalReport -WorkspacePath $ws
        $undo = @(Undo-Migration -WorkspacePath $ws @connection -Confirm:$false -WarningAction SilentlyContinue)
        $restoreError = $null
        try { $null = Restore-OutputCsv -WorkspacePath $ws -Confirm:$false -ErrorAction Stop }
        catch { $restoreError = $_ }
        $csvAfterRefusal = [System.IO.File]::ReadAllBytes($csv)
    }

    AfterAll {
        Exit-AcceptanceSession -Session $session
        if ($ws -and (Test-Path -LiteralPath $ws)) { Remove-Item -LiteralPath $ws -Recurse -Force }
    }

    Context 'The four cmdlets in one pipeline' {
        It 'rewrites the people CSV from what arrived verified' {
            $comparison = $updateOutput | Where-Object { $_ -is [S3Migration.PeopleCsv.CsvUpdateComparison] }
            $comparison.Replaced | Should -BeTrue
            $comparison.Rewritten | Should -BeGreaterThan 0
            [System.Text.Encoding]::UTF8.GetString($updatedCsv) | Should -Not -Match ([regex]::Escape("s3://$bucket/101_Ada_Lovelace/"))
        }

        It 'records the filtered file as excluded by choice, not missing' {
            ($after | Where-Object SourceKey -eq '101_Ada_Lovelace/engine.xyz').Status | Should -Be 'Excluded'
        }
    }

    Context 'The watch' {
        It 'raises the alarm for a copy whose metadata was rewritten, before and after the cleanup' {
            $dailyBefore | Should -Be 1
            $dailyAfter | Should -Be 1
            ($after | Where-Object TargetKey -eq $tamperedKey).Status | Should -Be 'Mismatch'
        }

        It 'sees an upload into the old layout after the cleanup' {
            ($after | Where-Object SourceKey -eq '101_Ada_Lovelace/late upload.mp3').Status | Should -Be 'Unexpected'
        }
    }

    Context 'The cleanup' {
        It 'keeps the source of the tampered copy and deletes the verified ones' {
            ($removed | Where-Object SourceKey -eq $tamperedSource).Status | Should -Be 'Kept'
            @($removed | Where-Object Status -eq 'Deleted').Count | Should -Be ($removed.Count - 1)
            Get-TestBucketKey -Client $s3 -Bucket $bucket | Should -Contain $tamperedSource
        }

        It 'logs exactly what is gone' {
            $left = @(Get-TestBucketKey -Client $s3 -Bucket $bucket)
            $logged = @(Import-Csv (Join-Path $ws 'deletion_log.csv') | Where-Object status -eq 'deleted' | ForEach-Object source_path)
            foreach ($path in $logged) { $left | Should -Not -Contain ($path -replace "^s3://$bucket/", '') }
            $logged.Count | Should -Be @($removed | Where-Object Status -eq 'Deleted').Count
        }
    }

    Context 'After the cleanup' {
        It 'does not call the migration closed, and lists every leftover' {
            $final.Status | Should -Not -Be 'Closed'
            $leftovers = @($final.Leftovers | ForEach-Object Path)
            foreach ($key in $tamperedSource, '104_No_Csv_Row/a.mp3', 'readme.txt', 'misc/notes.txt', '101_Ada_Lovelace/engine.xyz') {
                $leftovers | Should -Contain "s3://$bucket/$key"
            }
        }

        It 'never undoes a copy whose source the cleanup deleted' {
            @($undo | Where-Object Status -eq 'Deleted') | Should -HaveCount 0
            $deleted = @($removed | Where-Object Status -eq 'Deleted')
            foreach ($r in $deleted) {
                ($undo | Where-Object TargetKey -eq $r.TargetKey).Reason | Should -BeLike '*only live copy*'
                Get-TestBucketKey -Client $s3 -Bucket $bucket | Should -Contain $r.TargetKey
            }
        }

        It 'refuses a CSV restore that would point at deleted objects, and names them' {
            $restoreError | Should -Not -BeNullOrEmpty
            $restoreError.FullyQualifiedErrorId | Should -BeLike 'RestoreWouldBreakUrls*'
            "$restoreError" | Should -BeLike "*s3://$bucket/101_Ada_Lovelace/*"
            [Convert]::ToBase64String($csvAfterRefusal) | Should -Be ([Convert]::ToBase64String($updatedCsv))
        }

        It 'restores with -Force' {
            $null = Restore-OutputCsv -WorkspacePath $ws -Force -Confirm:$false -WarningAction SilentlyContinue
            [Convert]::ToBase64String([System.IO.File]::ReadAllBytes($csv)) | Should -Be ([Convert]::ToBase64String($originalCsv))
        }

        It 'has lost nothing: every object is live in one layout or the other, and in the backup' {
            $live = @(Get-TestBucketKey -Client $s3 -Bucket $bucket | ForEach-Object { Get-TestObjectText -Client $s3 -Bucket $bucket -Key $_ })
            foreach ($key in $demo.Keys) {
                $live | Should -Contain $demo.Objects[$key]
                Get-TestBucketKey -Client $s3 -Bucket $backupBucket | Should -Contain $key
            }
        }
    }
}
