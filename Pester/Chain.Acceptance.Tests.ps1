<#
    Acceptance tests for the design card's pipeline, run the way an operator types it:

        Get-MigrationInventory -Bucket media -CsvPath outputs/output.csv |
            Copy-PersonFiles -DestinationBucket media -WorkspacePath ./migration |
            Test-MigrationIntegrity |
            Update-OutputCsv -Path outputs/output.csv

    The four cmdlets chain as they are (the connection parameters aside); the CSV update rewrites only what arrives
    Verified, so a copy tampered with between the copy and the check keeps its old URL. A filter before the copy is a
    choice the workspace records, and the 30-day watch's daily script treats it, and the application's own uploads,
    as information.

    Needs: the module built (dotnet build src/S3Migration), python3 with moto, Pester 5.
    Run:   Invoke-Pester -Path ./Pester -Tag Acceptance -Output Detailed   (or ./build.ps1 -Task Test -PesterOnly)
#>

Describe 'The design card pipeline' -Tag 'Acceptance' {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'Acceptance.Common.ps1')
        $session = Enter-AcceptanceSession
        $endpoint = $session.Endpoint
        $s3 = $session.S3
        $connection = @{ EndpointUrl = $endpoint; Region = 'us-east-1' }
        $daily = Join-Path $PSScriptRoot '../scripts/Invoke-DailyIntegrityCheck.ps1'
    }

    AfterAll {
        Exit-AcceptanceSession -Session $session
    }

    Context 'the four cmdlets, literally' {
        BeforeAll {
            $bucket = 'chain-acceptance-literal'
            $csv = Join-Path $TestDrive 'literal/outputs/output.csv'
            $null = Initialize-DemoBucket -Client $s3 -Bucket $bucket -CsvPath $csv
            $ws = Join-Path $TestDrive 'literal/migration'

            $errors = $null
            $output = @(Get-MigrationInventory -Bucket $bucket -CsvPath $csv @connection |
                    Copy-PersonFiles -DestinationBucket $bucket -WorkspacePath $ws @connection |
                    Test-MigrationIntegrity @connection |
                    Update-OutputCsv -Path $csv -ErrorVariable errors)
            $changes = @($output | Where-Object { $_ -is [S3Migration.PeopleCsv.CsvUrlChange] })
            $comparison = $output | Where-Object { $_ -is [S3Migration.PeopleCsv.CsvUpdateComparison] }
            $rows = @(Import-Csv -LiteralPath $csv)
        }

        It 'binds from end to end and rewrites the CSV' {
            $errors | Should -HaveCount 0
            $comparison.Replaced | Should -BeTrue
            @($changes | Where-Object Action -eq 'Rewritten') | Should -HaveCount 9
        }

        It 'points every URL of the people 101-103 at the type folders' {
            ($rows | Where-Object row_id -eq '101').s3_audio_url | Should -BeExactly "s3://$bucket/audio/101_Ada_Lovelace_lecture.mp3"
            ($rows | Where-Object row_id -eq '102').s3_video_url | Should -BeExactly "s3://$bucket/video/102_Alan_Turing_lecture.mp4"
            ($rows | Where-Object row_id -eq '103').s3_transcript_url | Should -BeExactly "s3://$bucket/transcripts/103_Grace_Hopper_keynote.srt"
            $comparison.PeopleCompleted | Should -Be 3   # 101-103; 105 has no files at all, so is not completed
            $comparison.PeopleWithoutFiles | Should -Be 1
            ($rows | Where-Object row_id -eq '105').migration_completed | Should -BeExactly 'false'
        }

        It 'records the CSV the workspace serves' {
            $state = Get-Content -LiteralPath (Join-Path $ws 'migration_state.json') -Raw | ConvertFrom-Json
            $state.csv_path | Should -BeExactly ([System.IO.Path]::GetFullPath($csv))
        }
    }

    Context 'a filter before the copy and a copy tampered with before the check' {
        BeforeAll {
            $bucket = 'chain-acceptance-tamper'
            $csv = Join-Path $TestDrive 'tamper/outputs/output.csv'
            $null = Initialize-DemoBucket -Client $s3 -Bucket $bucket -CsvPath $csv
            $ws = Join-Path $TestDrive 'tamper/migration'
            $tamperedKey = 'audio/101_Ada_Lovelace_lecture.mp3'

            $checkWarnings = $null
            $updateWarnings = $null
            $output = @(Get-MigrationInventory -Bucket $bucket -CsvPath $csv -WorkspacePath $ws @connection |
                    Where-Object FileType -ne '_unknown' |
                    Copy-PersonFiles -DestinationBucket $bucket -WorkspacePath $ws @connection |
                    ForEach-Object {
                        # An application bug rewrites one copy between the copy and the check: same length, other bytes.
                        if ($_.TargetKey -eq $tamperedKey) {
                            # Its tags (the migration's) go with the rewrite; kept here to put the copy right later.
                            $script:tamperedTags = $s3.GetObjectTaggingAsync([Amazon.S3.Model.GetObjectTaggingRequest]@{ BucketName = $bucket; Key = $_.TargetKey }).GetAwaiter().GetResult().Tagging
                            $null = Write-LocalS3Object -Client $s3 -Bucket $bucket -Key $_.TargetKey -Content ('x' * $_.Size)
                        }
                        $_
                    } |
                    Test-MigrationIntegrity @connection -WarningVariable checkWarnings -WarningAction SilentlyContinue |
                    Update-OutputCsv -Path $csv -WarningVariable updateWarnings -WarningAction SilentlyContinue)
            $changes = @($output | Where-Object { $_ -is [S3Migration.PeopleCsv.CsvUrlChange] })
            $comparison = $output | Where-Object { $_ -is [S3Migration.PeopleCsv.CsvUpdateComparison] }
            $ada = Import-Csv -LiteralPath $csv | Where-Object row_id -eq '101'

            $results = @(Test-MigrationIntegrity -WorkspacePath $ws @connection -WarningAction SilentlyContinue)
        }

        It 'rewrites the other URLs and keeps the old one of the copy that arrived Mismatch' {
            @($changes | Where-Object Action -eq 'Rewritten') | Should -HaveCount 8
            $ada.s3_audio_url | Should -BeExactly "s3://$bucket/101_Ada_Lovelace/lecture.mp3"
            $ada.s3_video_url | Should -BeExactly "s3://$bucket/video/101_Ada_Lovelace_talk.mp4"
            $ada.migration_completed | Should -BeExactly 'false'
            $comparison.PeopleCompleted | Should -Be 2   # 102, 103; 101 waits for its Mismatch, 105 has no files
        }

        It 'says why the journal''s verified copy was not used' {
            @($updateWarnings | Where-Object { "$_" -like "*s3://$bucket/101_Ada_Lovelace/lecture.mp3 arrived Mismatch*journal*" }) | Should -HaveCount 1
        }

        It 'reports the held-back file Excluded and only the tampered copy as an alarm' {
            ($results | Where-Object SourceKey -eq '101_Ada_Lovelace/engine.xyz').Status | Should -Be 'Excluded'
            @($results | Where-Object { $_.Status -notin 'Verified', 'Excluded', 'NewUpload' }).TargetKey | Should -Be @($tamperedKey)
        }

        It 'lets the daily check tell the application''s upload from an alarm' {
            $report = { (Get-ChildItem (Join-Path $ws 'reports') -Filter 'daily_*.txt' | Sort-Object LastWriteTimeUtc, Name | Select-Object -Last 1 | Get-Content -Raw) }
            & $daily -WorkspacePath $ws -EndpointUrl $endpoint -Region us-east-1 | Out-Null
            $LASTEXITCODE | Should -Be 1 -Because 'the tampered copy is still there'

            # Put the tampered copy right, then the application uploads the way Get-MigrationTargetKey says.
            $null = Write-LocalS3Object -Client $s3 -Bucket $bucket -Key $tamperedKey -Content 'audio: Ada Lovelace lecture'
            $null = $s3.PutObjectTaggingAsync([Amazon.S3.Model.PutObjectTaggingRequest]@{
                    BucketName = $bucket; Key = $tamperedKey; Tagging = [Amazon.S3.Model.Tagging]@{ TagSet = $script:tamperedTags } }).GetAwaiter().GetResult()
            $upload = Get-MigrationTargetKey -RowId 102 -Name 'Alan Turing' -FileName 'second lecture.mp3'
            $null = Write-LocalS3Object -Client $s3 -Bucket $bucket -Key $upload.TargetKey -Content 'audio: a new lecture'
            & $daily -WorkspacePath $ws -EndpointUrl $endpoint -Region us-east-1 | Out-Null
            $LASTEXITCODE | Should -Be 0
            & $report | Should -BeLike "*Information: 1 new upload that follows the naming rule: s3://$bucket/audio/102_Alan_Turing_second_lecture.mp3*"

            # An upload into the old layout is the alarm.
            $null = Write-LocalS3Object -Client $s3 -Bucket $bucket -Key '103_Grace_Hopper/late.mp3' -Content 'audio: into the old layout'
            & $daily -WorkspacePath $ws -EndpointUrl $endpoint -Region us-east-1 | Out-Null
            $LASTEXITCODE | Should -Be 1
        }
    }
}
