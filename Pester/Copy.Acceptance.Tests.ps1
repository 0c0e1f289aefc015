<#
    Acceptance tests for Copy-PersonFiles, run the way an operator's CI runs the module: import S3Migration.psd1
    after a build, point the cmdlets at a local S3 server (moto) with -EndpointUrl, run the pipeline of DESIGN.md
    ("The pipeline") and look at what comes out on the pipeline, in the bucket and in the workspace.

    Every Context seeds a bucket of its own (Initialize-DemoBucket), so that what one copies never changes what
    another sees. Objects are a few bytes each; most Contexts copy one person's handful of files.

    Needs: the module built (dotnet build src/S3Migration, or ./build.ps1 -Task Build), python3 with moto
    (pip install 'moto[server]'; S3MIGRATION_PYTHON picks another python), Pester 5.
    Run:   Invoke-Pester -Path ./Pester -Tag Acceptance -Output Detailed   (or ./build.ps1 -Task Test -PesterOnly)
#>

Describe 'Copy-PersonFiles' -Tag 'Acceptance' {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'Acceptance.Common.ps1')
        $session = Enter-AcceptanceSession
        $endpoint = $session.Endpoint
        $s3 = $session.S3
    }

    AfterAll {
        Exit-AcceptanceSession -Session $session
    }

    Context 'the pipeline of DESIGN.md' {
        BeforeAll {
            $bucket = 'copy-acceptance-pipeline'
            $csvPath = Join-Path $TestDrive 'pipeline.csv'
            $seed = Initialize-DemoBucket -Client $s3 -Bucket $bucket -CsvPath $csvPath
            $workspace = Join-Path $TestDrive 'ws-pipeline'

            # What the pipeline below hands to Copy-PersonFiles (an inventory only reads the bucket).
            $plan = @(Get-MigrationInventory -Bucket $bucket -CsvPath $csvPath -EndpointUrl $endpoint -Region us-east-1 -ErrorAction Stop |
                    Where-Object FileType -ne '_unknown')
            $planned = @($plan | Where-Object Status -eq 'Planned')
            $orphans = @($plan | Where-Object Status -eq 'Orphan')

            # The person files of 101-103 (the ones with a CSV row), except the unknown type that the filter drops.
            $expectedCopies = @($seed.Keys | Where-Object { $_ -match '^10[123]_[^/]+/.+' -and $_ -notlike '*.xyz' })

            $results = @(Get-MigrationInventory -Bucket $bucket -CsvPath $csvPath -EndpointUrl $endpoint -Region us-east-1 -ErrorAction Stop |
                    Where-Object FileType -ne '_unknown' |
                    Copy-PersonFiles -WorkspacePath $workspace -EndpointUrl $endpoint -Region us-east-1 -ErrorAction Stop)
            $resultByKey = @{}
            foreach ($result in $results) { $resultByKey[$result.SourceKey] = $result }
            $verified = @($results | Where-Object Status -eq 'Verified')

            $journalPath = Join-Path $workspace 'migration_log.csv'
            $summaryPath = Join-Path $workspace 'migration_summary.json'
        }

        It 'returns one result per item it was given' {
            $planned | Should -HaveCount $expectedCopies.Count
            @($planned.SourceKey | Sort-Object) | Should -Be @($expectedCopies | Sort-Object)
            $results | Should -HaveCount $plan.Count
            @($results.SourceKey | Sort-Object) | Should -Be @($plan.SourceKey | Sort-Object)
        }

        It 'copies and verifies every planned item' {
            foreach ($item in $planned) {
                $result = $resultByKey[$item.SourceKey]
                $result | Should -Not -BeNullOrEmpty -Because "'$($item.SourceKey)' was planned and must come back as a result"
                $result.Status | Should -Be 'Verified' -Because "'$($item.SourceKey)' was planned: $($result.Notes)"
                $result.TargetKey | Should -BeExactly $item.TargetKey
                $result.TargetBucket | Should -BeExactly $bucket -Because 'without -DestinationBucket the destination is the source bucket'
                $result.Attempts | Should -Be 1 -Because 'one copy is enough when it verifies'
                $result.VerifiedBy | Should -Not -BeNullOrEmpty
            }
            $verified | Should -HaveCount $planned.Count
        }

        It 'passes the orphans through as NotPlanned, saying why, without copying them' {
            $orphans | Should -HaveCount 4
            foreach ($item in $orphans) {
                $result = $resultByKey[$item.SourceKey]
                $result | Should -Not -BeNullOrEmpty -Because "orphan '$($item.SourceKey)' must not be dropped silently"
                $result.Status | Should -Be 'NotPlanned'
                $result.Notes | Should -Match 'Orphan'
                $result.Attempts | Should -Be 0
            }
            # DESIGN.md's last step: what is not Verified is what needs a look, here the orphans only.
            $notVerified = @($results | Where-Object Status -ne 'Verified')
            @($notVerified.SourceKey | Sort-Object) | Should -Be @($orphans.SourceKey | Sort-Object)
        }

        It 'puts each copy at its target key with the ETag and Content-Type of its source, and keeps the source' {
            foreach ($result in $verified) {
                $source = Get-TestObjectHead -Client $s3 -Bucket $result.SourceBucket -Key $result.SourceKey
                $copy = Get-TestObjectHead -Client $s3 -Bucket $result.TargetBucket -Key $result.TargetKey
                $copy.ETag | Should -BeExactly $source.ETag -Because "s3://$($result.TargetBucket)/$($result.TargetKey) must hold the bytes of $($result.SourceKey)"
                $copy.ContentLength | Should -Be $source.ContentLength
                $copy.Headers.ContentType | Should -BeExactly $source.Headers.ContentType -Because "the copy of $($result.SourceKey) keeps its Content-Type"
                $result.DestinationETag | Should -BeExactly $source.ETag.Trim('"')
                $result.ContentType | Should -BeExactly $source.Headers.ContentType
            }
        }

        It 'writes migration_log.csv with the columns of the plan and one verified row per copied object' {
            $journalPath | Should -Exist
            $rows = @(Import-Csv -LiteralPath $journalPath)
            @($rows[0].PSObject.Properties.Name)[0..9] | Should -Be @(
                'row_id', 'person_name', 'old_s3_path', 'new_s3_path', 'file_type', 'file_size', 'md5_hash', 'copy_timestamp',
                'verification_status', 'error_message')
            $rows | Should -HaveCount $verified.Count -Because 'only copies are journaled, not the orphans passed through'
            foreach ($result in $verified) {
                $row = @($rows | Where-Object old_s3_path -eq "s3://$bucket/$($result.SourceKey)")
                $row | Should -HaveCount 1 -Because "'$($result.SourceKey)' was copied once"
                $row[0].verification_status | Should -BeExactly 'verified'
                $row[0].new_s3_path | Should -BeExactly "s3://$bucket/$($result.TargetKey)"
                $row[0].row_id | Should -BeExactly $result.RowId
                $row[0].file_type | Should -BeExactly $result.FileType
                $row[0].file_size | Should -BeExactly "$([System.Text.Encoding]::UTF8.GetByteCount($seed.Objects[$result.SourceKey]))"
                $row[0].md5_hash | Should -Match '^[0-9a-f]{32}$'
                $row[0].error_message | Should -BeNullOrEmpty
            }
        }

        It 'writes migration_summary.json that says the run completed' {
            $summaryPath | Should -Exist
            $summary = Get-Content -LiteralPath $summaryPath -Raw | ConvertFrom-Json
            $summary.state | Should -BeExactly 'completed'
            $summary.files_verified | Should -Be $verified.Count
            $summary.files_failed | Should -Be 0
            $summary.total_files_to_migrate | Should -Be $planned.Count
            $summary.files_not_planned | Should -Be $orphans.Count
        }
    }

    Context 'running the same copy again' {
        BeforeAll {
            $bucket = 'copy-acceptance-rerun'
            $csvPath = Join-Path $TestDrive 'rerun.csv'
            $null = Initialize-DemoBucket -Client $s3 -Bucket $bucket -CsvPath $csvPath
            $workspace = Join-Path $TestDrive 'ws-rerun'
            $journalPath = Join-Path $workspace 'migration_log.csv'
            $summaryPath = Join-Path $workspace 'migration_summary.json'

            # The plan of one person (five files), saved, and the same command run twice on it.
            $plan = @(Get-MigrationInventory -Bucket $bucket -CsvPath $csvPath -EndpointUrl $endpoint -Region us-east-1 -ErrorAction Stop |
                    Where-Object RowId -eq '102')

            $first = @($plan | Where-Object FileType -ne '_unknown' |
                    Copy-PersonFiles -WorkspacePath $workspace -EndpointUrl $endpoint -Region us-east-1 -ErrorAction Stop)
            $rowsAfterFirst = @(Import-Csv -LiteralPath $journalPath).Count

            $second = @($plan | Where-Object FileType -ne '_unknown' |
                    Copy-PersonFiles -WorkspacePath $workspace -EndpointUrl $endpoint -Region us-east-1 -ErrorAction Stop)
            $rowsAfterSecond = @(Import-Csv -LiteralPath $journalPath).Count
            $summaryAfterSecond = Get-Content -LiteralPath $summaryPath -Raw | ConvertFrom-Json

            # The whole pipeline again, with a fresh inventory: it already sees the copies.
            $third = @(Get-MigrationInventory -Bucket $bucket -CsvPath $csvPath -EndpointUrl $endpoint -Region us-east-1 -ErrorAction Stop |
                    Where-Object RowId -eq '102' |
                    Where-Object FileType -ne '_unknown' |
                    Copy-PersonFiles -WorkspacePath $workspace -EndpointUrl $endpoint -Region us-east-1 -ErrorAction Stop)
            $rowsAfterThird = @(Import-Csv -LiteralPath $journalPath).Count
        }

        It 'copied every item the first time' {
            $plan | Should -HaveCount 5
            $first | Should -HaveCount $plan.Count
            foreach ($result in $first) {
                $result.Status | Should -Be 'Verified' -Because "'$($result.SourceKey)' was planned: $($result.Notes)"
            }
            $rowsAfterFirst | Should -Be $plan.Count
        }

        It 'skips every item the second time, sending no copy' {
            $second | Should -HaveCount $plan.Count
            foreach ($result in $second) {
                $result.Status | Should -Be 'Skipped' -Because "'$($result.SourceKey)' was verified by the first run"
                $result.Attempts | Should -Be 0
                $result.Notes | Should -Match 'earlier run'
            }
            $summaryAfterSecond.state | Should -BeExactly 'completed'
            $summaryAfterSecond.files_copied | Should -Be 0
            $summaryAfterSecond.files_skipped | Should -Be $plan.Count
            $summaryAfterSecond.files_failed | Should -Be 0
        }

        It 'adds no row to the journal' {
            $rowsAfterSecond | Should -Be $rowsAfterFirst
        }

        It 'copies nothing either when the whole pipeline runs again with a fresh inventory' {
            $third | Should -HaveCount $plan.Count
            foreach ($result in $third) {
                $result.Status | Should -Be 'Skipped' -Because "the journal verified '$($result.SourceKey)' in the first run"
                $result.Notes | Should -Match 'earlier run'
                $result.Attempts | Should -Be 0
            }
            $rowsAfterThird | Should -Be $rowsAfterFirst
        }
    }

    Context '-WhatIf' {
        BeforeAll {
            $bucket = 'copy-acceptance-whatif'
            $csvPath = Join-Path $TestDrive 'whatif.csv'
            $seed = Initialize-DemoBucket -Client $s3 -Bucket $bucket -CsvPath $csvPath
            $workspace = Join-Path $TestDrive 'ws-whatif'

            $output = @(Get-MigrationInventory -Bucket $bucket -CsvPath $csvPath -EndpointUrl $endpoint -Region us-east-1 -ErrorAction Stop |
                    Where-Object FileType -ne '_unknown' |
                    Copy-PersonFiles -WorkspacePath $workspace -EndpointUrl $endpoint -Region us-east-1 -ErrorAction Stop -WhatIf)
        }

        It 'writes nothing to the pipeline' {
            $output.Count | Should -Be 0
        }

        It 'creates no workspace folder' {
            Test-Path -LiteralPath $workspace | Should -BeFalse
        }

        It 'writes no object to the bucket' {
            @(Get-TestBucketKey -Client $s3 -Bucket $bucket | Sort-Object) | Should -Be @($seed.Keys | Sort-Object)
        }
    }

    Context 'a source in GLACIER' {
        BeforeAll {
            $bucket = 'copy-acceptance-archived'
            $csvPath = Join-Path $TestDrive 'archived.csv'
            $seed = Initialize-DemoBucket -Client $s3 -Bucket $bucket -CsvPath $csvPath
            $workspace = Join-Path $TestDrive 'ws-archived'

            # The same bytes, now archived: it must be restored before it can be copied.
            $archivedKey = '103_Grace_Hopper/keynote.mp3'
            $archivedTarget = 'audio/103_Grace_Hopper_keynote.mp3'
            $null = Write-LocalS3Object -Client $s3 -Bucket $bucket -Key $archivedKey -Content $seed.Objects[$archivedKey] -StorageClass GLACIER

            $errs = $null
            $results = @(Get-MigrationInventory -Bucket $bucket -CsvPath $csvPath -EndpointUrl $endpoint -Region us-east-1 -ErrorAction Stop |
                    Where-Object RowId -eq '103' |
                    Where-Object FileType -ne '_unknown' |
                    Copy-PersonFiles -WorkspacePath $workspace -EndpointUrl $endpoint -Region us-east-1 -ErrorAction SilentlyContinue -ErrorVariable errs)
            $failed = @($results | Where-Object Status -eq 'Failed')
        }

        It 'fails that item, saying to restore it first' {
            $results | Should -HaveCount 5
            $failed | Should -HaveCount 1 -Because 'Where-Object Status -eq Failed picks the archived source only'
            $failed[0].SourceKey | Should -BeExactly $archivedKey
            $failed[0].TargetKey | Should -BeExactly $archivedTarget
            $failed[0].Notes | Should -Match 'restore'
            $failed[0].Attempts | Should -Be 0 -Because 'an archived source is not copied at all'
        }

        It 'writes one SourceArchived error whose target is the failed result' {
            $errs | Should -HaveCount 1
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'SourceArchived*'
            $errs[0].CategoryInfo.Category | Should -Be 'ResourceUnavailable'
            $errs[0].TargetObject | Should -BeOfType [S3Migration.Model.MigrationResult]
            [object]::ReferenceEquals($errs[0].TargetObject.PSObject.BaseObject, $failed[0].PSObject.BaseObject) | Should -BeTrue -Because 'the error record carries the very result that failed'
            $errs[0].Exception.Message | Should -BeLike "*$archivedKey*"
        }

        It 'still copies and verifies the other files' {
            foreach ($result in @($results | Where-Object SourceKey -ne $archivedKey)) {
                $result.Status | Should -Be 'Verified' -Because "'$($result.SourceKey)' is not archived: $($result.Notes)"
            }
            @(Get-TestBucketKey -Client $s3 -Bucket $bucket -Prefix 'audio/') | Should -Not -Contain $archivedTarget
        }

        It 'journals the failure and counts it in the summary' {
            $rows = @(Import-Csv -LiteralPath (Join-Path $workspace 'migration_log.csv'))
            $row = @($rows | Where-Object old_s3_path -eq "s3://$bucket/$archivedKey")
            $row | Should -HaveCount 1
            $row[0].verification_status | Should -BeExactly 'failed'
            $row[0].error_message | Should -Match 'restore'
            $summary = Get-Content -LiteralPath (Join-Path $workspace 'migration_summary.json') -Raw | ConvertFrom-Json
            $summary.state | Should -BeExactly 'completed'
            $summary.files_failed | Should -Be 1
            $summary.files_verified | Should -Be 4
        }
    }

    Context 'a destination that already holds different content' {
        BeforeAll {
            $bucket = 'copy-acceptance-conflict'
            $csvPath = Join-Path $TestDrive 'conflict.csv'
            $seed = Initialize-DemoBucket -Client $s3 -Bucket $bucket -CsvPath $csvPath
            $workspace = Join-Path $TestDrive 'ws-conflict'

            $plan = @(Get-MigrationInventory -Bucket $bucket -CsvPath $csvPath -EndpointUrl $endpoint -Region us-east-1 -ErrorAction Stop |
                    Where-Object RowId -eq '103')

            # After the inventory, somebody else writes other bytes to one of the target keys.
            $conflictKey = '103_Grace_Hopper/keynote.mp3'
            $conflictTarget = 'audio/103_Grace_Hopper_keynote.mp3'
            $theirs = 'audio: somebody else''s recording'
            $theirsETag = Write-LocalS3Object -Client $s3 -Bucket $bucket -Key $conflictTarget -Content $theirs

            $warns = $null
            $first = @($plan | Where-Object FileType -ne '_unknown' |
                    Copy-PersonFiles -WorkspacePath $workspace -EndpointUrl $endpoint -Region us-east-1 -ErrorAction Stop -WarningAction SilentlyContinue -WarningVariable warns)
            $textAfterFirst = Get-TestObjectText -Client $s3 -Bucket $bucket -Key $conflictTarget
            $headAfterFirst = Get-TestObjectHead -Client $s3 -Bucket $bucket -Key $conflictTarget

            $forced = @($plan | Where-Object FileType -ne '_unknown' |
                    Copy-PersonFiles -WorkspacePath $workspace -EndpointUrl $endpoint -Region us-east-1 -ErrorAction Stop -Force)
            $textAfterForce = Get-TestObjectText -Client $s3 -Bucket $bucket -Key $conflictTarget
            $headAfterForce = Get-TestObjectHead -Client $s3 -Bucket $bucket -Key $conflictTarget
            $sourceHead = Get-TestObjectHead -Client $s3 -Bucket $bucket -Key $conflictKey
        }

        It 'reports a Conflict and copies the other files' {
            $plan | Should -HaveCount 5
            $first | Should -HaveCount $plan.Count
            $conflict = @($first | Where-Object Status -eq 'Conflict')
            $conflict | Should -HaveCount 1
            $conflict[0].SourceKey | Should -BeExactly $conflictKey
            $conflict[0].TargetKey | Should -BeExactly $conflictTarget
            $conflict[0].Notes | Should -Match 'different content'
            $conflict[0].Notes | Should -Match '-Force'
            $conflict[0].Attempts | Should -Be 0
            foreach ($result in @($first | Where-Object SourceKey -ne $conflictKey)) {
                $result.Status | Should -Be 'Verified' -Because "'$($result.SourceKey)' has nothing at its target: $($result.Notes)"
            }
        }

        It 'warns about the conflict' {
            $warns | Should -HaveCount 1
            "$($warns[0])" | Should -BeLike "*$conflictTarget*"
        }

        It 'keeps the content that was at the destination' {
            $textAfterFirst | Should -BeExactly $theirs
            $headAfterFirst.ETag.Trim('"') | Should -BeExactly $theirsETag
        }

        It 'overwrites it with -Force and verifies the copy' {
            $forced | Should -HaveCount $plan.Count
            $result = @($forced | Where-Object SourceKey -eq $conflictKey)
            $result | Should -HaveCount 1
            $result[0].Status | Should -Be 'Verified' -Because $result[0].Notes
            $result[0].Notes | Should -Match '-Force'
            $textAfterForce | Should -BeExactly $seed.Objects[$conflictKey]
            $headAfterForce.ETag | Should -BeExactly $sourceHead.ETag
            foreach ($other in @($forced | Where-Object SourceKey -ne $conflictKey)) {
                $other.Status | Should -Be 'Skipped' -Because "'$($other.SourceKey)' was verified by the run before"
                $other.Attempts | Should -Be 0
            }
        }
    }
}
