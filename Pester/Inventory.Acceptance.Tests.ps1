<#
    Acceptance tests for Get-MigrationInventory and Get-MigrationTargetKey, run the way an operator's CI runs the
    module: import S3Migration.psd1 after a build, point the cmdlets at a local S3 server (moto) with -EndpointUrl,
    and look at what comes out on the pipeline and in the workspace.

    Needs: the module built (dotnet build src/S3Migration, or ./build.ps1 -Task Build), python3 with moto
    (pip install 'moto[server]'; S3MIGRATION_PYTHON picks another python), Pester 5.
    Run:   Invoke-Pester -Path ./Pester -Tag Acceptance -Output Detailed   (or ./build.ps1 -Task Test -PesterOnly)
#>

Describe 'Get-MigrationInventory' -Tag 'Acceptance' {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'Acceptance.Common.ps1')
        $session = Enter-AcceptanceSession
        $endpoint = $session.Endpoint
        $s3 = $session.S3

        $bucket = 'acceptance-media'
        $csvPath = Join-Path $TestDrive 'output.csv'
        $seed = Initialize-DemoBucket -Client $s3 -Bucket $bucket -CsvPath $csvPath

        # Every file of the people 101-103 and the key the naming rule gives it (DESIGN.md, "Naming rules").
        $expectedTargets = [ordered]@{
            '101_Ada_Lovelace/lecture.mp3'            = 'audio/101_Ada_Lovelace_lecture.mp3'
            '101_Ada_Lovelace/interview.m4a'          = 'audio/101_Ada_Lovelace_interview.m4a'
            '101_Ada_Lovelace/talk.mp4'               = 'video/101_Ada_Lovelace_talk.mp4'
            '101_Ada_Lovelace/talk.webm'              = 'video/101_Ada_Lovelace_talk.webm'
            '101_Ada_Lovelace/notes.pdf'              = 'documents/101_Ada_Lovelace_notes.pdf'
            '101_Ada_Lovelace/letter.doc'             = 'documents/101_Ada_Lovelace_letter.doc'
            '101_Ada_Lovelace/essay.docx'             = 'documents/101_Ada_Lovelace_essay.docx'
            '101_Ada_Lovelace/talk.srt'               = 'transcripts/101_Ada_Lovelace_talk.srt'
            '101_Ada_Lovelace/talk.vtt'               = 'transcripts/101_Ada_Lovelace_talk.vtt'
            '101_Ada_Lovelace/portrait.jpg'           = 'images/101_Ada_Lovelace_portrait.jpg'
            '101_Ada_Lovelace/diagram.png'            = 'images/101_Ada_Lovelace_diagram.png'
            '101_Ada_Lovelace/engine.xyz'             = '_unknown/101_Ada_Lovelace_engine.xyz'
            '102_Alan Turing/interview.m4a'           = 'audio/102_Alan_Turing_interview.m4a'
            '102_Alan Turing/lecture.mp4'             = 'video/102_Alan_Turing_lecture.mp4'
            '102_Alan Turing/lecture.vtt'             = 'transcripts/102_Alan_Turing_lecture.vtt'
            '102_Alan Turing/computing machinery.pdf' = 'documents/102_Alan_Turing_computing_machinery.pdf'
            '102_Alan Turing/photo.png'               = 'images/102_Alan_Turing_photo.png'
            '103_Grace_Hopper/keynote.mp3'            = 'audio/103_Grace_Hopper_keynote.mp3'
            '103_Grace_Hopper/keynote.webm'           = 'video/103_Grace_Hopper_keynote.webm'
            '103_Grace_Hopper/keynote.srt'            = 'transcripts/103_Grace_Hopper_keynote.srt'
            '103_Grace_Hopper/memo.doc'               = 'documents/103_Grace_Hopper_memo.doc'
            '103_Grace_Hopper/photo.jpg'              = 'images/103_Grace_Hopper_photo.jpg'
        }

        $items = @(Get-MigrationInventory -Bucket $bucket -CsvPath $csvPath -EndpointUrl $endpoint -Region us-east-1 -ErrorAction Stop)
        $itemByKey = @{}
        foreach ($item in $items) { $itemByKey[$item.SourceKey] = $item }
    }

    AfterAll {
        Exit-AcceptanceSession -Session $session
    }

    Context 'planning' {
        It 'lists every object of the bucket exactly once' {
            $items | Should -HaveCount $seed.Keys.Count
            @($items.SourceKey | Sort-Object) | Should -Be @($seed.Keys | Sort-Object)
        }

        It 'plans every file of the people 101-103 into the folder of its type' {
            $personFiles = @($items | Where-Object { $_.SourceKey -match '^10[123]_' -and -not $_.SourceKey.EndsWith('/') })
            $personFiles | Should -HaveCount $expectedTargets.Count
            foreach ($item in $personFiles) {
                $item.Status | Should -Be 'Planned' -Because "$($item.SourceKey) belongs to a person with a CSV row"
                $item.TargetKey | Should -BeExactly $expectedTargets[$item.SourceKey] -Because "that is the naming rule's key for $($item.SourceKey)"
                $item.FileType | Should -BeExactly ($item.TargetKey -split '/')[0]
                $item.SourceBucket | Should -BeExactly $bucket
                $item.TargetBucket | Should -BeExactly $bucket -Because 'without -DestinationBucket the destination is the source bucket'
            }
        }

        It 'gives the mp3 of 101 its exact target key' {
            $mp3 = $itemByKey['101_Ada_Lovelace/lecture.mp3']
            $mp3 | Should -Not -BeNullOrEmpty
            $mp3.TargetKey | Should -BeExactly 'audio/101_Ada_Lovelace_lecture.mp3'
            $mp3.FileType | Should -BeExactly 'audio'
            $mp3.RowId | Should -BeExactly '101'
            $mp3.PersonName | Should -BeExactly 'Ada_Lovelace'
            $mp3.Size | Should -Be ([System.Text.Encoding]::UTF8.GetByteCount($seed.Objects['101_Ada_Lovelace/lecture.mp3']))
        }

        It 'replaces the space in "Alan Turing" with "_" in the target key' {
            $turing = @($items | Where-Object RowId -eq '102')
            $turing | Should -HaveCount 5
            foreach ($item in $turing) {
                $item.TargetKey | Should -BeLike '*/102_Alan_Turing_*'
                $item.TargetKey.Contains(' ') | Should -BeFalse -Because "$($item.TargetKey) must not contain a space"
            }
            $itemByKey['102_Alan Turing/interview.m4a'].TargetKey | Should -BeExactly 'audio/102_Alan_Turing_interview.m4a'
            $itemByKey['102_Alan Turing/computing machinery.pdf'].TargetKey | Should -BeExactly 'documents/102_Alan_Turing_computing_machinery.pdf'
        }

        It 'files an unknown extension under _unknown' {
            $xyz = $itemByKey['101_Ada_Lovelace/engine.xyz']
            $xyz.FileType | Should -BeExactly '_unknown'
            $xyz.TargetKey | Should -BeExactly '_unknown/101_Ada_Lovelace_engine.xyz'
        }

        It 'lets Where-Object FileType -eq audio pick the audio files (.mp3 and .m4a) only' {
            $audio = @(Get-MigrationInventory -Bucket $bucket -CsvPath $csvPath -EndpointUrl $endpoint -Region us-east-1 -ErrorAction Stop |
                    Where-Object FileType -eq 'audio')
            $expected = @($seed.Keys | Where-Object { $_ -like '*.mp3' -or $_ -like '*.m4a' })
            $audio | Should -HaveCount $expected.Count
            @($audio.SourceKey | Sort-Object) | Should -Be @($expected | Sort-Object)
            foreach ($item in $audio) {
                [System.IO.Path]::GetExtension($item.SourceKey) | Should -BeIn @('.mp3', '.m4a')
            }
        }

        It 'writes nothing to the bucket' {
            $listing = $s3.ListObjectsV2Async([Amazon.S3.Model.ListObjectsV2Request]@{ BucketName = $bucket }, [System.Threading.CancellationToken]::None).GetAwaiter().GetResult()
            @($listing.S3Objects) | Should -HaveCount $seed.Keys.Count
        }
    }

    Context 'orphans' {
        It 'reports <Key> as an orphan, saying why (<Why>)' -ForEach @(
            @{ Key = 'readme.txt'; Why = 'root' }
            @{ Key = 'misc/notes.txt'; Why = 'pattern' }
            @{ Key = '103_Grace_Hopper/'; Why = 'marker' }
            @{ Key = '104_No_Csv_Row/a.mp3'; Why = 'CSV' }
        ) {
            $item = $itemByKey[$Key]
            $item | Should -Not -BeNullOrEmpty -Because "'$Key' is in the bucket and must be reported"
            $item.Status | Should -Be 'Orphan'
            $item.Notes | Should -Match $Why
            $item.TargetKey | Should -BeNullOrEmpty -Because 'an orphan is not copied'
        }

        It 'reports exactly those four objects as orphans' {
            $orphans = @($items | Where-Object Status -eq 'Orphan')
            @($orphans.SourceKey | Sort-Object) | Should -Be @(@('103_Grace_Hopper/', '104_No_Csv_Row/a.mp3', 'misc/notes.txt', 'readme.txt') | Sort-Object)
        }

        It 'plans the person folder without a CSV row when no -CsvPath is given' {
            $noCsv = @(Get-MigrationInventory -Bucket $bucket -EndpointUrl $endpoint -Region us-east-1 -ErrorAction Stop)
            $a = $noCsv | Where-Object SourceKey -eq '104_No_Csv_Row/a.mp3'
            $a.Status | Should -Be 'Planned'
            $a.TargetKey | Should -BeExactly 'audio/104_No_Csv_Row_a.mp3'
            ($noCsv | Where-Object SourceKey -eq 'readme.txt').Status | Should -Be 'Orphan'
        }
    }

    Context 'workspace files' {
        BeforeAll {
            $workspace = Join-Path $TestDrive 'ws'
            $run = @(Get-MigrationInventory -Bucket $bucket -CsvPath $csvPath -WorkspacePath $workspace -EndpointUrl $endpoint -Region us-east-1 -ErrorAction Stop)
            $checksumsPath = Join-Path $workspace 'inventory_checksums.csv'
            $reportPath = Join-Path $workspace 'inventory_report.json'
        }

        It 'writes inventory_checksums.csv with one row per object' {
            $checksumsPath | Should -Exist
            $rows = @(Import-Csv -LiteralPath $checksumsPath)
            $rows | Should -HaveCount $run.Count
            $rows | Should -HaveCount $seed.Keys.Count
            @($rows[0].PSObject.Properties.Name)[0..3] | Should -Be @('key', 'size', 'etag', 'md5')
            @($rows.key | Sort-Object) | Should -Be @($seed.Keys | Sort-Object)
        }

        It 'records the size and the MD5 of each object' {
            $rows = @(Import-Csv -LiteralPath $checksumsPath)
            $row = $rows | Where-Object key -eq '101_Ada_Lovelace/lecture.mp3'
            $content = [System.Text.Encoding]::UTF8.GetBytes($seed.Objects['101_Ada_Lovelace/lecture.mp3'])
            $md5 = [System.Convert]::ToHexString([System.Security.Cryptography.MD5]::HashData($content)).ToLowerInvariant()
            $row.size | Should -Be "$($content.Length)"
            $row.md5 | Should -BeExactly $md5
            $row.status | Should -Be 'Planned'
            $row.target_key | Should -BeExactly 'audio/101_Ada_Lovelace_lecture.mp3'
        }

        It 'writes inventory_report.json with totals, persons and CSV rows without files' {
            $reportPath | Should -Exist
            $report = Get-Content -LiteralPath $reportPath -Raw | ConvertFrom-Json
            $report.totals.objects | Should -Be $seed.Keys.Count
            $report.totals.planned.count | Should -Be $expectedTargets.Count
            $report.totals.orphan.count | Should -Be 4
            $report.orphan_count | Should -Be 4
            @($report.csv_rows_without_files.row_id) | Should -Contain '105'
            @($report.csv_rows_without_files.row_id) | Should -HaveCount 1
            @($report.persons.row_id) | Should -Contain '101'
            $ada = @($report.persons | Where-Object row_id -eq '101')
            $ada | Should -HaveCount 1
            $ada[0].by_type.audio.count | Should -Be 2
            $ada[0].files | Should -Be 12
            $noRow = @($report.persons | Where-Object row_id -eq '104')
            $noRow[0].in_csv | Should -BeFalse
        }
    }

    Context 'errors' {
        It 'stops with BucketNotFound for a bucket that does not exist' {
            $err = { Get-MigrationInventory -Bucket 'acceptance-no-such-bucket' -EndpointUrl $endpoint -Region us-east-1 -ErrorAction Stop } |
                Should -Throw -ErrorId 'BucketNotFound*' -PassThru
            $err.FullyQualifiedErrorId | Should -BeLike 'BucketNotFound*'
            $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $err.Exception.Message | Should -BeLike '*acceptance-no-such-bucket*'
        }

        It 'rejects a -PersonPattern without the named groups row_id and name' {
            { Get-MigrationInventory -Bucket $bucket -PersonPattern '^(\d+)_(.+)$' -EndpointUrl $endpoint -Region us-east-1 -ErrorAction Stop } |
                Should -Throw -ErrorId 'InvalidNamingParameter*' -ExpectedMessage '*named groups*'
        }
    }

    Context 'Get-MigrationTargetKey' {
        It 'gives the key of the naming rule for one file' {
            # Get-MigrationTargetKey only applies the naming rule: it has no S3 connection parameters.
            $target = Get-MigrationTargetKey -RowId 472 -Name Kaioxys_DarkMacro -FileName youtube_69XL3TrD6mE.mp3
            $target.TargetKey | Should -BeExactly 'audio/472_Kaioxys_DarkMacro_youtube_69XL3TrD6mE.mp3'
            $target.FileType | Should -BeExactly 'audio'
        }

        It 'agrees with the inventory' {
            $target = Get-MigrationTargetKey -RowId 102 -Name 'Alan Turing' -FileName 'computing machinery.pdf'
            $target.TargetKey | Should -BeExactly $itemByKey['102_Alan Turing/computing machinery.pdf'].TargetKey
        }
    }

    Context 'a second inventory after the destination already holds a copy' {
        BeforeAll {
            # A bucket of its own, so that the copy does not change what the other tests see.
            $rerunBucket = 'acceptance-rerun'
            $rerunCsv = Join-Path $TestDrive 'rerun.csv'
            $null = Initialize-DemoBucket -Client $s3 -Bucket $rerunBucket -CsvPath $rerunCsv

            $before = @(Get-MigrationInventory -Bucket $rerunBucket -CsvPath $rerunCsv -EndpointUrl $endpoint -Region us-east-1 -ErrorAction Stop)
            $copied = @($before | Where-Object SourceKey -eq '101_Ada_Lovelace/lecture.mp3')[0]

            $copy = [Amazon.S3.Model.CopyObjectRequest]::new()
            $copy.SourceBucket = $rerunBucket
            $copy.SourceKey = $copied.SourceKey
            $copy.DestinationBucket = $rerunBucket
            $copy.DestinationKey = $copied.TargetKey
            $null = $s3.CopyObjectAsync($copy, [System.Threading.CancellationToken]::None).GetAwaiter().GetResult()

            $after = @(Get-MigrationInventory -Bucket $rerunBucket -CsvPath $rerunCsv -EndpointUrl $endpoint -Region us-east-1 -ErrorAction Stop)
            $afterByKey = @{}
            foreach ($item in $after) { $afterByKey[$item.SourceKey] = $item }
        }

        It 'planned the item before the copy' {
            $copied.Status | Should -Be 'Planned'
            $copied.TargetKey | Should -BeExactly 'audio/101_Ada_Lovelace_lecture.mp3'
        }

        It 'skips the item whose copy is already at its target key' {
            $item = $afterByKey['101_Ada_Lovelace/lecture.mp3']
            $item.Status | Should -Be 'Skipped'
            $item.TargetKey | Should -BeExactly 'audio/101_Ada_Lovelace_lecture.mp3'
            $item.Notes | Should -Match 'already'
        }

        It 'skips the copy under audio/ as already in the destination layout' {
            $item = $afterByKey['audio/101_Ada_Lovelace_lecture.mp3']
            $item | Should -Not -BeNullOrEmpty
            $item.Status | Should -Be 'Skipped'
            $item.Notes | Should -Match 'destination layout'
        }

        It 'changes nothing else' {
            $after | Should -HaveCount ($before.Count + 1)
            foreach ($old in $before) {
                if ($old.SourceKey -eq $copied.SourceKey) { continue }
                $new = $afterByKey[$old.SourceKey]
                $new | Should -Not -BeNullOrEmpty -Because "'$($old.SourceKey)' is still in the bucket"
                $new.Status | Should -Be $old.Status -Because "nothing about '$($old.SourceKey)' changed"
                $new.TargetKey | Should -BeExactly $old.TargetKey
                $new.Notes | Should -BeExactly $old.Notes
            }
        }
    }
}
