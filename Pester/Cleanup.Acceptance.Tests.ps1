<#
    Acceptance tests for the two ends of the plan: the Glacier backup before the migration (Backup-MigrationSource)
    and the cleanup after it (Remove-MigrationSource, Compress-MigrationWorkspace, New-MigrationFinalReport), run
    the way an operator's CI runs the module: import S3Migration.psd1 after a build and point the cmdlets at a local
    S3 server (moto) with -EndpointUrl.

    One bucket is seeded, backed up into a second bucket in GLACIER, and migrated with the pipeline of DESIGN.md, the
    people CSV pointed at the new layout before the cleanup (the plan's order; the cleanup keeps any source the CSV
    still names). Then one migrated copy is tampered with and one backup object is deleted, as an application bug or
    an operator might: the cleanup must keep exactly those two sources and delete the rest. After it, the rollbacks
    must refuse to lose data: Undo-Migration keeps every destination whose source is gone, and Restore-OutputCsv
    refuses to put back URLs of deleted objects.

    Needs: the module built (dotnet build src/S3Migration, or ./build.ps1 -Task Build), python3 with moto
    (pip install 'moto[server]'; S3MIGRATION_PYTHON picks another python), Pester 5.
    Run:   Invoke-Pester -Path ./Pester -Tag Acceptance -Output Detailed   (or ./build.ps1 -Task Test -PesterOnly)
#>

Describe 'Backup and cleanup' -Tag 'Acceptance' {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'Acceptance.Common.ps1')
        $session = Enter-AcceptanceSession
        $endpoint = $session.Endpoint
        $s3 = $session.S3
        $connection = @{ EndpointUrl = $endpoint; Region = 'us-east-1' }

        $bucket = 'cleanup-acceptance'
        $backupBucket = 'cleanup-acceptance-backup'
        $csv = Join-Path $TestDrive 'output.csv'
        # Not in TestDrive: Pester removes what a Context adds there when the Context ends, and the workspace must keep
        # what the Remove-MigrationSource context writes (deletion_log.csv) for the closing context to archive and report.
        $ws = Join-Path ([System.IO.Path]::GetTempPath()) ('s3migration-cleanup-' + [Guid]::NewGuid().ToString('N'))
        $null = Initialize-DemoBucket -Client $s3 -Bucket $bucket -CsvPath $csv
        $null = $s3.PutBucketAsync($backupBucket).GetAwaiter().GetResult()
        $sourceKeys = @(Get-TestBucketKey -Client $s3 -Bucket $bucket)

        # Phase 1: the full backup, before anything moves; run twice, as after an interruption.
        $backups = @(Backup-MigrationSource -SourceBucket $bucket -BackupBucket $backupBucket -StorageClass GLACIER -WorkspacePath $ws @connection -ErrorAction Stop)
        $again = @(Backup-MigrationSource -SourceBucket $bucket -BackupBucket $backupBucket -StorageClass GLACIER -WorkspacePath $ws @connection -ErrorAction Stop)

        # Phases 2-4: inventory, copy, check.
        $copies = @(Get-MigrationInventory -Bucket $bucket -CsvPath $csv -WorkspacePath $ws @connection -ErrorAction Stop |
                Where-Object FileType -ne '_unknown' |
                Copy-PersonFiles -WorkspacePath $ws @connection -ErrorAction Stop)
        $migrated = @($copies | Where-Object Status -eq 'Verified')
        # Phase 3: the people CSV points at the new layout before any cleanup; the inventory recorded it in the workspace.
        $null = Update-OutputCsv -Path $csv -WorkspacePath $ws -ErrorAction Stop

        # What goes wrong in the 30 days: a copy rewritten, a backup object lost.
        $tampered = $migrated | Where-Object SourceKey -eq '101_Ada_Lovelace/lecture.mp3'
        $null = Write-LocalS3Object -Client $s3 -Bucket $bucket -Key $tampered.TargetKey -Content ('x' * $tampered.Size)
        $unbacked = $migrated | Where-Object SourceKey -ne $tampered.SourceKey | Select-Object -First 1
        Remove-TestObject -Client $s3 -Bucket $backupBucket -Key $unbacked.SourceKey
    }

    AfterAll {
        Exit-AcceptanceSession -Session $session
        if ($ws -and (Test-Path -LiteralPath $ws)) { Remove-Item -LiteralPath $ws -Recurse -Force }
    }

    Context 'Backup-MigrationSource' {
        It 'backs up every source object, keys kept, in GLACIER' {
            $backups | Should -HaveCount $sourceKeys.Count
            @($backups | Where-Object Status -ne 'Verified') | Should -HaveCount 0
            $head = Get-TestObjectHead -Client $s3 -Bucket $backupBucket -Key '101_Ada_Lovelace/lecture.mp3'
            $head.StorageClass.Value | Should -Be 'GLACIER'
        }

        It 'writes a manifest of verified rows and a RESTORE.md that names a real key' {
            $manifest = @(Import-Csv (Join-Path $ws 'backup_manifest.csv'))
            $manifest | Should -HaveCount $sourceKeys.Count
            @($manifest | Where-Object status -ne 'verified') | Should -HaveCount 0
            $restore = Get-Content -Raw (Join-Path $ws 'RESTORE.md')
            $restore | Should -Match ([regex]::Escape($backupBucket))
            $restore | Should -Match 'GLACIER'
            $restore | Should -Match 'restore-object'
        }

        It 'does nothing new when run again' {
            @($again | Where-Object Status -eq 'Verified') | Should -HaveCount 0
            @($again | Where-Object Status -eq 'Skipped') | Should -HaveCount $sourceKeys.Count
        }
    }

    Context 'Remove-MigrationSource' {
        It 'refuses inside the 30-day grace period and deletes nothing' {
            $errorId = $null
            try { $null = Remove-MigrationSource -WorkspacePath $ws @connection -Confirm:$false -ErrorAction Stop }
            catch { $errorId = $_.FullyQualifiedErrorId }
            $errorId | Should -BeLike 'GracePeriodNotElapsed*'
            $left = @(Get-TestBucketKey -Client $s3 -Bucket $bucket)
            foreach ($key in $sourceKeys) { $left | Should -Contain $key }
        }

        It 'deletes nothing with -WhatIf' {
            $null = Remove-MigrationSource -WorkspacePath $ws @connection -Force -WhatIf -WarningAction SilentlyContinue
            $left = @(Get-TestBucketKey -Client $s3 -Bucket $bucket)
            foreach ($key in $sourceKeys) { $left | Should -Contain $key }
            Join-Path $ws 'deletion_log.csv' | Should -Not -Exist
        }

        It 'deletes only verified, unchanged, backed-up sources and keeps the tampered and the unbacked one' {
            $kept = $null
            $removed = @(Remove-MigrationSource -WorkspacePath $ws @connection -Force -Confirm:$false -WarningVariable kept -WarningAction SilentlyContinue)
            $removed | Should -HaveCount $migrated.Count
            @($removed | Where-Object Status -eq 'Kept' | ForEach-Object SourceKey | Sort-Object) |
                Should -Be @(@($tampered.SourceKey, $unbacked.SourceKey) | Sort-Object)
            @($removed | Where-Object Status -eq 'Deleted') | Should -HaveCount ($migrated.Count - 2)
            $kept | Should -Not -BeNullOrEmpty

            $left = @(Get-TestBucketKey -Client $s3 -Bucket $bucket)
            $left | Should -Contain $tampered.SourceKey
            $left | Should -Contain $unbacked.SourceKey
            foreach ($r in @($removed | Where-Object Status -eq 'Deleted')) { $left | Should -Not -Contain $r.SourceKey }
            foreach ($c in $migrated) { $left | Should -Contain $c.TargetKey }   # the new layout is untouched

            $log = @(Import-Csv (Join-Path $ws 'deletion_log.csv'))
            @($log | Where-Object status -eq 'deleted') | Should -HaveCount ($migrated.Count - 2)
            @($log | Where-Object status -eq 'kept') | Should -HaveCount 2
            $summary = Get-Content -Raw (Join-Path $ws 'deletion_summary.json') | ConvertFrom-Json
            $summary.listing_verified | Should -BeTrue
            $summary.bytes_reclaimed | Should -Be (($removed | Where-Object Status -eq 'Deleted' | Measure-Object Size -Sum).Sum)
        }
    }

    Context 'the rollbacks after the cleanup' {
        It 'Undo-Migration keeps every destination whose source was deleted, the only live copy, and says how to put it back' {
            $deleted = @(Import-Csv (Join-Path $ws 'deletion_log.csv') | Where-Object status -eq 'deleted')
            $deleted | Should -Not -BeNullOrEmpty
            $before = @(Get-TestBucketKey -Client $s3 -Bucket $bucket)
            $undo = @(Undo-Migration -WorkspacePath $ws @connection -WhatIf -WarningAction SilentlyContinue -ErrorAction Stop)
            foreach ($row in $deleted) {
                $result = $undo | Where-Object { "s3://$bucket/$($_.SourceKey)" -eq $row.source_path }
                $result.Status | Should -Be 'Kept' -Because $row.source_path
                $result.Reason | Should -Match 'only live copy'
                $result.Reason | Should -Match 'aws s3 cp'
            }
            @(Get-TestBucketKey -Client $s3 -Bucket $bucket) | Should -Be $before
        }

        It 'Restore-OutputCsv refuses to put back URLs of deleted objects' {
            $text = Get-Content -Raw $csv
            $errorId = $null
            try { $null = Restore-OutputCsv -WorkspacePath $ws -Confirm:$false -ErrorAction Stop }
            catch { $errorId = $_.FullyQualifiedErrorId; $message = $_.Exception.Message }
            $errorId | Should -BeLike 'RestoreWouldBreakUrls*'
            $message | Should -Match '-Force'
            Get-Content -Raw $csv | Should -Be $text
        }
    }

    Context 'closing the migration' {
        BeforeAll {
            $archive = Compress-MigrationWorkspace -WorkspacePath $ws -DestinationPath (Join-Path $TestDrive 'archive/ws.zip') -UploadBucket $backupBucket @connection -ErrorAction Stop
            $final = New-MigrationFinalReport -WorkspacePath $ws -ErrorAction Stop
        }

        It 'archives the workspace so that it unpacks to files matching their checksums' {
            $archive.Status | Should -Be 'Verified'
            (Get-FileHash -Algorithm SHA256 -LiteralPath $archive.Path).Hash | Should -Be $archive.Sha256.ToUpperInvariant()
            $unpacked = Join-Path $TestDrive 'unpacked'
            Expand-Archive -LiteralPath $archive.Path -DestinationPath $unpacked
            $lines = @(Get-Content (Join-Path $unpacked 'SHA256SUMS'))
            $lines.Count | Should -Be $archive.FileCount
            foreach ($line in $lines) {
                $hash, $name = $line -split '\s+\*?', 2
                (Get-FileHash -Algorithm SHA256 -LiteralPath (Join-Path $unpacked $name)).Hash | Should -Be $hash.ToUpperInvariant() -Because $name
            }
            Join-Path $unpacked 'migration_log.csv' | Should -Exist
            Join-Path $unpacked 'deletion_log.csv' | Should -Exist
            (Test-MigrationArchive -Path $archive.Path).Status | Should -Be 'Verified'
            (Get-TestObjectHead -Client $s3 -Bucket $backupBucket -Key $archive.UploadedTo.Substring("s3://$backupBucket/".Length)).StorageClass.Value | Should -Be 'GLACIER'
        }

        It 'writes a final report with the backup, the deletion and lessons learned, not closed while sources are kept' {
            $final.Status | Should -Be 'NotClosed'
            $final.ObjectsKept | Should -Be 2
            $final.BackupRun | Should -BeTrue
            $text = Get-Content -Raw $final.Path
            $text | Should -Match 'Lessons learned'
            $text | Should -Match 'What went well'
            $text | Should -Match ([regex]::Escape($tampered.SourceKey))
        }
    }
}
