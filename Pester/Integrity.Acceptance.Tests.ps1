<#
    Acceptance tests for Test-MigrationIntegrity, Undo-Migration and New-MigrationCertificate, run the way an
    operator's CI runs the module after a migration: import S3Migration.psd1 after a build, point the cmdlets at a
    local S3 server (moto) with -EndpointUrl, and gate on what Test-MigrationIntegrity says.

    The gate an operator's CI runs after each migration (and the daily check of the 30-day watch):

        $summary = Test-MigrationIntegrity -WorkspacePath ./migration -Summary
        if (-not $summary.AllVerified) { throw 'integrity check failed' }

    Every Context seeds a bucket of its own (Initialize-DemoBucket) and migrates it into a workspace of its own
    with the pipeline of DESIGN.md, so that what one tampers with or rolls back never changes what another sees.

    Needs: the module built (dotnet build src/S3Migration, or ./build.ps1 -Task Build), python3 with moto
    (pip install 'moto[server]'; S3MIGRATION_PYTHON picks another python), Pester 5.
    Run:   Invoke-Pester -Path ./Pester -Tag Acceptance -Output Detailed   (or ./build.ps1 -Task Test -PesterOnly)
#>

Describe 'Test-MigrationIntegrity' -Tag 'Acceptance' {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'Acceptance.Common.ps1')
        $session = Enter-AcceptanceSession
        $endpoint = $session.Endpoint
        $s3 = $session.S3

        # The demo data's one file of an unmapped type. The pipeline holds it back (FileType -ne '_unknown'), which
        # Copy-PersonFiles records as a choice: Test-MigrationIntegrity reports it Excluded (see 'tampering'). The gate's
        # bucket is seeded without it, so that every result there is Verified.
        $unknownKey = '101_Ada_Lovelace/engine.xyz'

    }

    AfterAll {
        Exit-AcceptanceSession -Session $session
    }

    Context 'a CI gate' {
        BeforeAll {
            $bucket = 'integrity-acceptance-gate'
            $csv = Join-Path $TestDrive 'gate.csv'
            $null = Initialize-DemoBucket -Client $s3 -Bucket $bucket -CsvPath $csv
            Remove-TestObject -Client $s3 -Bucket $bucket -Key $unknownKey
            $ws = Join-Path $TestDrive 'ws-gate'

            $copies = @(Get-MigrationInventory -Bucket $bucket -CsvPath $csv -WorkspacePath $ws -EndpointUrl $endpoint -Region us-east-1 -ErrorAction Stop |
                    Where-Object FileType -ne '_unknown' |
                    Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint -Region us-east-1 -ErrorAction Stop)
            $migrated = @($copies | Where-Object Status -eq 'Verified')

            # The check alone, from the workspace, as a scheduled task runs it: one result per file, then the summary.
            $checkWarnings = $null
            $checks = @(Test-MigrationIntegrity -WorkspacePath $ws -EndpointUrl $endpoint -Region us-east-1 -ErrorAction Stop -WarningVariable checkWarnings -WarningAction SilentlyContinue)
            $summary = Test-MigrationIntegrity -WorkspacePath $ws -EndpointUrl $endpoint -Region us-east-1 -Summary -ErrorAction Stop
            $headChecks = @(Test-MigrationIntegrity -WorkspacePath $ws -EndpointUrl $endpoint -Region us-east-1 -Verify Head -ErrorAction Stop -WarningAction SilentlyContinue)

            # The whole pipeline of DESIGN.md in one go, on a second fresh bucket: what comes out needs a look.
            $chainBucket = 'integrity-acceptance-chain'
            $chainCsv = Join-Path $TestDrive 'chain.csv'
            $null = Initialize-DemoBucket -Client $s3 -Bucket $chainBucket -CsvPath $chainCsv
            Remove-TestObject -Client $s3 -Bucket $chainBucket -Key $unknownKey
            $chainWs = Join-Path $TestDrive 'ws-chain'
            $notVerified = @(Get-MigrationInventory -Bucket $chainBucket -CsvPath $chainCsv -WorkspacePath $chainWs -EndpointUrl $endpoint -Region us-east-1 -ErrorAction Stop |
                    Where-Object FileType -ne '_unknown' |
                    Copy-PersonFiles -WorkspacePath $chainWs -EndpointUrl $endpoint -Region us-east-1 -ErrorAction Stop |
                    Test-MigrationIntegrity -EndpointUrl $endpoint -Region us-east-1 -ErrorAction Stop |
                    Where-Object Status -ne 'Verified')

            $reportPath = Join-Path $ws 'verification_report.csv'
            $combinedPath = Join-Path $ws 'verification_combined.txt'
        }

        It 'migrated every file of the people 101-103' {
            $migrated | Should -HaveCount 21
            @($copies | Where-Object Status -in 'Failed', 'Conflict') | Should -HaveCount 0
        }

        It 'verifies every migrated file, one result each, without a warning' {
            $checks | Should -HaveCount $migrated.Count
            @($checks.TargetKey | Sort-Object) | Should -Be @($migrated.TargetKey | Sort-Object)
            foreach ($check in $checks) {
                $check.Status | Should -Be 'Verified' -Because "'$($check.TargetKey)' was copied and nobody touched it: $($check.Reason)"
                # Decided from the type folders' listing: size and the ETag the copy verified; no header read.
                $check.CheckedBy | Should -Be 'listing'
                $check.ContentTypeMatch | Should -BeNullOrEmpty
            }
            $checkWarnings.Count | Should -Be 0
        }

        It 'reads and compares every header with -Verify Head' {
            $headChecks | Should -HaveCount $migrated.Count
            foreach ($check in $headChecks) {
                $check.Status | Should -Be 'Verified' -Because $check.Reason
                $check.CheckedBy | Should -BeIn 'etag', 'md5', 'checksum'
                $check.ContentTypeMatch | Should -BeTrue
            }
        }

        It 'says AllVerified in the -Summary' {
            $summary.AllVerified | Should -BeTrue -Because "$summary"
            $summary.Checked | Should -Be $migrated.Count
            $summary.Verified | Should -Be $migrated.Count
            $summary.Missing | Should -Be 0
            $summary.Mismatch | Should -Be 0
            $summary.SourceChanged | Should -Be 0
            $summary.Unexpected | Should -Be 0
            $summary.MissingKeys.Count | Should -Be 0
        }

        It 'lets the gate pass' {
            {
                if (-not (Test-MigrationIntegrity -WorkspacePath $ws -EndpointUrl $endpoint -Region us-east-1 -Summary).AllVerified) { throw 'integrity check failed' }
            } | Should -Not -Throw
        }

        It 'leaves nothing after Where-Object Status -ne Verified in the whole pipeline' {
            $notVerified.Count | Should -Be 0 -Because "every copy verified, yet these came out: $($notVerified -join '; ')"
            # Test-MigrationIntegrity took the workspace from Copy-PersonFiles' results and wrote its reports there.
            Join-Path $chainWs 'verification_report.csv' | Should -Exist
            Join-Path $chainWs 'rollback_plan.json' | Should -Exist
        }

        It 'writes verification_report.csv with one Verified row per migrated file' {
            $reportPath | Should -Exist
            $rows = @(Import-Csv -LiteralPath $reportPath)
            @($rows[0].PSObject.Properties.Name)[0..2] | Should -Be @('status', 'old_s3_path', 'new_s3_path')
            $rows | Should -HaveCount $migrated.Count
            foreach ($row in $rows) {
                $row.status | Should -BeExactly 'Verified' -Because "$($row.new_s3_path): $($row.reason)"
                # The default check (the gate ran last) decides from the listing: no Content-Type read, none compared.
                $row.checked_by | Should -BeExactly 'listing'
                $row.content_type_match | Should -BeExactly ''
            }
            @($rows.old_s3_path | Sort-Object) | Should -Be @($migrated | ForEach-Object { "s3://$bucket/$($_.SourceKey)" } | Sort-Object)
            @($rows.new_s3_path | Sort-Object) | Should -Be @($migrated | ForEach-Object { "s3://$bucket/$($_.TargetKey)" } | Sort-Object)
        }

        It 'writes verification_combined.txt with one "= " line per migrated file' {
            $combinedPath | Should -Exist
            $lines = @(Get-Content -LiteralPath $combinedPath)
            $lines | Should -HaveCount $migrated.Count
            foreach ($line in $lines) {
                $line | Should -BeLike '= s3://*'
            }
        }
    }

    Context 'tampering' {
        BeforeAll {
            $bucket = 'integrity-acceptance-tamper'
            $csv = Join-Path $TestDrive 'tamper.csv'
            $seed = Initialize-DemoBucket -Client $s3 -Bucket $bucket -CsvPath $csv
            $ws = Join-Path $TestDrive 'ws-tamper'

            $copies = @(Get-MigrationInventory -Bucket $bucket -CsvPath $csv -WorkspacePath $ws -EndpointUrl $endpoint -Region us-east-1 -ErrorAction Stop |
                    Where-Object FileType -ne '_unknown' |
                    Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint -Region us-east-1 -ErrorAction Stop)
            $migrated = @($copies | Where-Object Status -eq 'Verified')

            # One destination rewritten with other bytes of the same length: only the ETag can tell.
            $original = $seed.Objects['101_Ada_Lovelace/lecture.mp3']
            $sameLength = 'x' * [System.Text.Encoding]::UTF8.GetByteCount($original)
            $null = Write-LocalS3Object -Client $s3 -Bucket $bucket -Key 'audio/101_Ada_Lovelace_lecture.mp3' -Content $sameLength
            # One destination deleted.
            Remove-TestObject -Client $s3 -Bucket $bucket -Key 'documents/102_Alan_Turing_computing_machinery.pdf'
            # One source edited after its copy.
            $null = Write-LocalS3Object -Client $s3 -Bucket $bucket -Key '103_Grace_Hopper/keynote.mp3' -Content 'audio: Grace Hopper keynote, edited after the copy'
            # An object in a destination type folder that no copy put there.
            $null = Write-LocalS3Object -Client $s3 -Bucket $bucket -Key 'audio/999_Stranger_x.mp3' -Content 'who put this here?'
            # A new upload in an old person folder, made after the inventory.
            $null = Write-LocalS3Object -Client $s3 -Bucket $bucket -Key '102_Alan Turing/new-upload.mp3' -Content 'uploaded after the migration'
            $tampered = @(
                'audio/101_Ada_Lovelace_lecture.mp3', 'documents/102_Alan_Turing_computing_machinery.pdf', 'audio/103_Grace_Hopper_keynote.mp3',
                'audio/999_Stranger_x.mp3', '102_Alan Turing/new-upload.mp3', "_unknown/101_Ada_Lovelace_engine.xyz")

            $integrityWarnings = $null
            $results = @(Test-MigrationIntegrity -WorkspacePath $ws -EndpointUrl $endpoint -Region us-east-1 -ErrorAction Stop -WarningVariable integrityWarnings -WarningAction SilentlyContinue)
            # A result names the destination it checked, or, for a new upload in an old folder, the source only.
            $resultByKey = @{}
            foreach ($result in $results) {
                $resultKey = if ($result.TargetKey) { $result.TargetKey } else { $result.SourceKey }
                $resultByKey[$resultKey] = $result
            }
            $summary = Test-MigrationIntegrity -WorkspacePath $ws -EndpointUrl $endpoint -Region us-east-1 -Summary -ErrorAction Stop -WarningAction SilentlyContinue
            $combinedPath = Join-Path $ws 'verification_combined.txt'
        }

        It 'rewrote the destination with other bytes of the same length' {
            [System.Text.Encoding]::UTF8.GetByteCount($sameLength) | Should -Be ([System.Text.Encoding]::UTF8.GetByteCount($original))
            $sameLength | Should -Not -BeExactly $original
        }

        It 'gives each file one result' {
            $resultByKey.Count | Should -Be $results.Count
            # The copies, the two objects nobody copied, and the held-back file of an unmapped type.
            $results | Should -HaveCount ($migrated.Count + 3)
        }

        It 'reports <Key> as <Status>' -ForEach @(
            @{ Key = 'audio/101_Ada_Lovelace_lecture.mp3'; Status = 'Mismatch'; Reason = '*rewritten*' }
            @{ Key = 'documents/102_Alan_Turing_computing_machinery.pdf'; Status = 'Missing'; Reason = '*destination is missing*' }
            @{ Key = 'audio/103_Grace_Hopper_keynote.mp3'; Status = 'SourceChanged'; Reason = '*source changed*' }
            @{ Key = 'audio/999_Stranger_x.mp3'; Status = 'Unexpected'; Reason = '*no copy of this migration put it there*' }
            @{ Key = '102_Alan Turing/new-upload.mp3'; Status = 'Unexpected'; Reason = '*new upload*' }
        ) {
            $result = $resultByKey[$Key]
            $result | Should -Not -BeNullOrEmpty -Because "'$Key' was tampered with and must be reported"
            $result.Status | Should -Be $Status -Because $result.Reason
            $result.Reason | Should -BeLike $Reason
        }

        It 'tells a same-length rewrite by its ETag alone' {
            $result = $resultByKey['audio/101_Ada_Lovelace_lecture.mp3']
            $result.DestinationSize | Should -Be ([System.Text.Encoding]::UTF8.GetByteCount($original))
            $result.Reason | Should -Not -Match 'size'
        }

        It 'reports the file the pipeline held back (_unknown) as Excluded: left out by choice, not Missing' {
            $result = $resultByKey['_unknown/101_Ada_Lovelace_engine.xyz']
            $result | Should -Not -BeNullOrEmpty
            $result.Status | Should -Be 'Excluded'
            $result.SourceKey | Should -BeExactly $unknownKey
            $result.Reason | Should -BeLike '*left out of the copy by choice*'
        }

        It 'still verifies every other copy' {
            $others = @($results | Where-Object { $_.TargetKey -notin $tampered -and $_.SourceKey -notin $tampered })
            $others | Should -HaveCount ($migrated.Count - 3)
            foreach ($result in $others) {
                $result.Status | Should -Be 'Verified' -Because "nobody touched '$($result.TargetKey)': $($result.Reason)"
            }
        }

        It 'warns, and counts every kind in the -Summary' {
            $integrityWarnings | Should -HaveCount 1
            "$($integrityWarnings[0])" | Should -BeLike 'NOT all verified*'
            $summary.AllVerified | Should -BeFalse
            $summary.Verified | Should -Be ($migrated.Count - 3)
            $summary.Mismatch | Should -Be 1
            $summary.Missing | Should -Be 1
            $summary.Excluded | Should -Be 1
            $summary.SourceChanged | Should -Be 1
            $summary.Unexpected | Should -Be 2
            @($summary.MissingKeys) | Should -Be @("s3://$bucket/102_Alan Turing/computing machinery.pdf")
        }

        It 'fails the gate' {
            {
                if (-not (Test-MigrationIntegrity -WorkspacePath $ws -EndpointUrl $endpoint -Region us-east-1 -Summary -WarningAction SilentlyContinue).AllVerified) { throw 'integrity check failed' }
            } | Should -Throw -ExpectedMessage '*integrity check failed*'
        }

        It 'marks each in verification_combined.txt the way rclone check --combined does' {
            $lines = @(Get-Content -LiteralPath $combinedPath)
            $lines | Should -Contain "* s3://$bucket/audio/101_Ada_Lovelace_lecture.mp3"
            $lines | Should -Contain "- s3://$bucket/102_Alan Turing/computing machinery.pdf"
            $lines | Should -Contain "* s3://$bucket/103_Grace_Hopper/keynote.mp3"
            $lines | Should -Contain "+ s3://$bucket/audio/999_Stranger_x.mp3"
            $lines | Should -Contain "+ s3://$bucket/102_Alan Turing/new-upload.mp3"
            $lines | Should -Contain "~ s3://$bucket/$unknownKey"
            @($lines | Where-Object { $_ -like '= *' }) | Should -HaveCount ($migrated.Count - 3)
        }
    }

    Context 'rollback' {
        BeforeAll {
            $bucket = 'integrity-acceptance-rollback'
            $csv = Join-Path $TestDrive 'rollback.csv'
            $seed = Initialize-DemoBucket -Client $s3 -Bucket $bucket -CsvPath $csv
            $ws = Join-Path $TestDrive 'ws-rollback'

            $copies = @(Get-MigrationInventory -Bucket $bucket -CsvPath $csv -WorkspacePath $ws -EndpointUrl $endpoint -Region us-east-1 -ErrorAction Stop |
                    Where-Object FileType -ne '_unknown' |
                    Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint -Region us-east-1 -ErrorAction Stop)
            $migrated = @($copies | Where-Object Status -eq 'Verified')

            # The integrity check writes rollback_plan.json (it warns about the held-back _unknown file).
            $null = Test-MigrationIntegrity -WorkspacePath $ws -EndpointUrl $endpoint -Region us-east-1 -ErrorAction Stop -WarningAction SilentlyContinue
            $planPath = Join-Path $ws 'rollback_plan.json'

            # After the check, the application writes to one of the migrated copies.
            $changedKey = 'audio/102_Alan_Turing_interview.m4a'
            $null = Write-LocalS3Object -Client $s3 -Bucket $bucket -Key $changedKey -Content 'changed by the application after the migration'

            $keysBefore = @(Get-TestBucketKey -Client $s3 -Bucket $bucket | Sort-Object)
            $whatIf = @(Undo-Migration -WorkspacePath $ws -EndpointUrl $endpoint -Region us-east-1 -WhatIf -ErrorAction Stop -WarningAction SilentlyContinue)
            $keysAfterWhatIf = @(Get-TestBucketKey -Client $s3 -Bucket $bucket | Sort-Object)

            $warnings = $null
            $undone = @(Undo-Migration -WorkspacePath $ws -EndpointUrl $endpoint -Region us-east-1 -Confirm:$false -ErrorAction Stop -WarningVariable warnings -WarningAction SilentlyContinue)
            $keysAfter = @(Get-TestBucketKey -Client $s3 -Bucket $bucket | Sort-Object)
        }

        It 'has a rollback_plan.json with one copy per migrated file' {
            $planPath | Should -Exist
            $plan = Get-Content -LiteralPath $planPath -Raw | ConvertFrom-Json
            $plan.copies_count | Should -Be $migrated.Count
            @($plan.copies) | Should -HaveCount $migrated.Count
            @($plan.copies | Where-Object { $_.reverse.action -ne 'DeleteObject' }) | Should -HaveCount 0
        }

        It 'deletes nothing with -WhatIf' {
            $keysAfterWhatIf | Should -Be $keysBefore
            @($whatIf | Where-Object Status -eq 'Deleted') | Should -HaveCount 0
        }

        It 'deletes every copy that is still what was copied, and keeps the changed one' {
            $undone | Should -HaveCount $migrated.Count
            $kept = @($undone | Where-Object TargetKey -eq $changedKey)
            $kept | Should -HaveCount 1
            $kept[0].Status | Should -Be 'Kept'
            $kept[0].Reason | Should -BeLike '*changed since the copy*'
            foreach ($result in @($undone | Where-Object TargetKey -ne $changedKey)) {
                $result.Status | Should -Be 'Deleted' -Because "'$($result.TargetKey)' was unchanged: $($result.Reason)"
            }
        }

        It 'warns about the copy it kept' {
            $warnings | Should -HaveCount 1
            "$($warnings[0])" | Should -BeLike "*$changedKey*"
        }

        It 'leaves only the sources and the changed copy in the bucket' {
            $keysAfter | Should -Be @(@($seed.Keys) + $changedKey | Sort-Object)
        }

        It 'never touches a source' {
            foreach ($key in $seed.Keys) {
                Get-TestObjectText -Client $s3 -Bucket $bucket -Key $key | Should -BeExactly $seed.Objects[$key] -Because "'$key' is a source"
            }
        }
    }

    Context 'certificate' {
        BeforeAll {
            $bucket = 'integrity-acceptance-certificate'
            $csv = Join-Path $TestDrive 'certificate.csv'
            $null = Initialize-DemoBucket -Client $s3 -Bucket $bucket -CsvPath $csv
            $ws = Join-Path $TestDrive 'ws-certificate'

            $copies = @(Get-MigrationInventory -Bucket $bucket -CsvPath $csv -WorkspacePath $ws -EndpointUrl $endpoint -Region us-east-1 -ErrorAction Stop |
                    Where-Object FileType -ne '_unknown' |
                    Copy-PersonFiles -WorkspacePath $ws -EndpointUrl $endpoint -Region us-east-1 -ErrorAction Stop)
            $migrated = @($copies | Where-Object Status -eq 'Verified')

            $certificate = New-MigrationCertificate -WorkspacePath $ws -ErrorAction Stop

            $journal = @(Import-Csv -LiteralPath (Join-Path $ws 'migration_log.csv'))
            $verifiedSources = @($journal | Where-Object verification_status -eq 'verified' | ForEach-Object old_s3_path | Sort-Object -Unique)
            $mdPath = Join-Path $ws 'migration_certificate.md'
            $htmlPath = Join-Path $ws 'migration_certificate.html'
        }

        It 'counts as migrated each source the journal verified' {
            $verifiedSources | Should -HaveCount $migrated.Count
            $certificate.FilesMigrated | Should -Be $verifiedSources.Count
        }

        It 'writes migration_certificate.md and .html into the workspace' {
            $mdPath | Should -Exist
            $htmlPath | Should -Exist
            $certificate.MarkdownPath | Should -Exist
            $certificate.HtmlPath | Should -Exist
        }

        It 'has a Sign-off section and the total of the journal' {
            $md = Get-Content -LiteralPath $mdPath -Raw
            $md | Should -Match 'Sign-off'
            $md | Should -Match ([regex]::Escape("| Total | $($verifiedSources.Count) |"))
        }
    }
}
