<#
    Acceptance tests for objects that script well and default views that identify the row, in a real pwsh (Import-Csv,
    ConvertTo-Json and Out-String are Microsoft.PowerShell.Utility's, which the hosted engine of the xUnit tests lacks):
    - ConvertTo-Json of each output type (every OutputType a cmdlet declares, each phase run once for it): no Item1/Item2, a duration as a number (DurationMs), enum names without
      -EnumsAsStrings (README, "Objects in scripts"); ConvertTo-Csv / Export-Csv give names too;
    - the workspace's own CSV files bind back into the cmdlets (Import-Csv migration_log.csv | Test-MigrationIntegrity,
      Import-Csv inventory_checksums.csv | Copy-PersonFiles);
    - each table view, at 80 and 120 columns, shows the row's whole key.

    Needs: the module built (dotnet build src/S3Migration), python3 with moto, Pester 5.
    Run:   Invoke-Pester -Path ./Pester/Objects.Acceptance.Tests.ps1 -Output Detailed
#>

Describe 'Objects that script well and views that identify the row' -Tag 'Acceptance' {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'Acceptance.Common.ps1')
        $session = Enter-AcceptanceSession
        $s3 = $session.S3
        $connection = @{ EndpointUrl = $session.Endpoint; Region = 'us-east-1' }
        $bucket = 'objects-acceptance'
        $csv = Join-Path $TestDrive 'outputs/output.csv'
        $null = Initialize-DemoBucket -Client $s3 -Bucket $bucket -CsvPath $csv
        $ws = Join-Path $TestDrive 'migration'

        $items = @(Get-MigrationInventory -Bucket $bucket -CsvPath $csv -WorkspacePath $ws @connection)
        # NotPlanned rows come from objects the inventory did not plan (orphans): Copy-PersonFiles passes them through.
        $results = @($items | Copy-PersonFiles -DestinationBucket $bucket -WorkspacePath $ws @connection -ErrorAction SilentlyContinue)
        $checks = @($results | Test-MigrationIntegrity @connection -WarningAction SilentlyContinue)
        $summary = Test-MigrationIntegrity -WorkspacePath $ws -Summary @connection -WarningAction SilentlyContinue |
            Where-Object { $_ -is [S3Migration.Model.IntegritySummary] }
        $certificate = New-MigrationCertificate -WorkspacePath $ws
        $comparison = Update-OutputCsv -Path $csv -WorkspacePath $ws -WhatIf -WarningAction SilentlyContinue |
            Where-Object { $_ -is [S3Migration.PeopleCsv.CsvUpdateComparison] }
        $target = Get-MigrationTargetKey -RowId 103 -Name 'Grace Hopper' -FileName 'keynote.srt'

        # Every other phase, on a bucket and workspace of its own (the contexts below copy again in $ws): the objects of
        # the backups, the CSV update and its check, the rollback, the cleanup, the final report and the archive.
        $phases = @{ Bucket = 'objects-acceptance-phases'; Backup = 'objects-acceptance-backup' }
        $phasesCsv = Join-Path $TestDrive 'phases/output.csv'
        $null = Initialize-DemoBucket -Client $s3 -Bucket $phases.Bucket -CsvPath $phasesCsv
        $null = $s3.PutBucketAsync($phases.Backup).GetAwaiter().GetResult()
        $pws = Join-Path $TestDrive 'phases-ws'
        $csvBackup = Backup-OutputCsv -Path $phasesCsv -WorkspacePath $pws
        $backups = @(Backup-MigrationSource -SourceBucket $phases.Bucket -BackupBucket $phases.Backup -WorkspacePath $pws @connection)
        $phaseItems = @(Get-MigrationInventory -Bucket $phases.Bucket -CsvPath $phasesCsv -WorkspacePath $pws @connection)
        $null = Copy-PersonFiles -InputObject $phaseItems -WorkspacePath $pws @connection -ErrorAction SilentlyContinue
        $changes = @(Update-OutputCsv -Path $phasesCsv -WorkspacePath $pws -WarningAction SilentlyContinue | Where-Object { $_ -is [S3Migration.PeopleCsv.CsvUrlChange] })
        $urlChecks = @(Test-OutputCsvUrl -Path $phasesCsv @connection -WarningAction SilentlyContinue)
        $rollback = @(Undo-Migration -WorkspacePath $pws @connection -WhatIf -WarningAction SilentlyContinue)
        $restore = Restore-OutputCsv -WorkspacePath $pws -Confirm:$false -WarningAction SilentlyContinue
        # The CSV names the old layout again, so the cleanup (-Force: inside the grace period) keeps every source.
        $removals = @(Remove-MigrationSource -WorkspacePath $pws @connection -Force -Confirm:$false -WarningAction SilentlyContinue)
        $finalReport = New-MigrationFinalReport -WorkspacePath $pws -WarningAction SilentlyContinue
        $archive = Compress-MigrationWorkspace -WorkspacePath $pws -DestinationPath (Join-Path $TestDrive 'phases.zip') -WarningAction SilentlyContinue
        $archiveCheck = Test-MigrationArchive -Path $archive.Path
        $archiveEntries = @(Test-MigrationArchive -Path $archive.Path -Detailed)
        # The watch (a function: a PSCustomObject named S3Migration.WatchResult) and the session defaults.
        $watch = Invoke-MigrationWatch -Kind Daily -WorkspacePath $ws @connection -ErrorAction SilentlyContinue
        $defaults = @(Set-MigrationDefault -Region eu-west-1 -PassThru)
        Set-MigrationDefault -Clear

        $outputs = [ordered]@{
            MigrationItem = $items; MigrationResult = $results; IntegrityResult = $checks; IntegritySummary = @($summary)
            MigrationCertificate = @($certificate); CsvUpdateComparison = @($comparison); MigrationTarget = @($target)
            CsvBackupInfo = @($csvBackup); BackupResult = $backups; CsvUrlChange = $changes; UrlCheckResult = $urlChecks
            RollbackResult = $rollback; CsvRestoreResult = @($restore); RemovalResult = $removals; FinalReport = @($finalReport)
            ArchiveResult = @($archive); ArchiveVerification = @($archiveCheck); ArchiveEntryCheck = $archiveEntries
            WatchResult = @($watch); MigrationDefault = $defaults
        }
    }

    AfterAll {
        Exit-AcceptanceSession -Session $session
    }

    Context 'ConvertTo-Json' {
        It 'has every output type to test' {
            foreach ($name in $outputs.Keys) {
                @($outputs[$name]).Count | Should -BeGreaterThan 0 -Because $name
                # The .NET type, or for the watch's PSCustomObject the type name it declares (S3Migration.WatchResult).
                $first = @($outputs[$name])[0]
                @($first.GetType().Name, ($first.PSObject.TypeNames[0] -split '\.')[-1]) | Should -Contain $name
            }
        }

        It 'tests every output type that a cmdlet of the module declares' {
            $declared = @(Get-Command -Module S3Migration | ForEach-Object { $_.OutputType } | ForEach-Object { ($_.Name -split '\.')[-1] } | Sort-Object -Unique)
            $declared.Count | Should -BeGreaterThan 10
            foreach ($type in $declared) { $outputs.Keys | Should -Contain $type -Because "a cmdlet outputs $type" }
        }

        It 'writes no tuple (Item1, Item2) for any output type' {
            foreach ($name in $outputs.Keys) {
                $json = $outputs[$name] | ConvertTo-Json -Depth 6
                $json | Should -Not -Match '"Item\d"' -Because $name
            }
        }

        It 'names the integrity summary''s and the certificate''s per-type figures' {
            $s = $summary | ConvertTo-Json -Depth 6 | ConvertFrom-Json
            $s.ByType.audio.Expected | Should -BeGreaterThan 0
            $s.ByType.audio.Verified | Should -Be $s.ByType.audio.Expected
            $c = $certificate | ConvertTo-Json -Depth 6 | ConvertFrom-Json
            $c.ByType.audio.Files | Should -BeGreaterThan 0
            $c.ByType.audio.Bytes | Should -BeGreaterThan 0
        }

        It 'gives the copy''s duration as a number of milliseconds' {
            $r = $results | Where-Object Status -eq 'Verified' | Select-Object -First 1 | ConvertTo-Json -Depth 3 | ConvertFrom-Json
            $r.DurationMs | Should -BeOfType [long]
            $r.DurationMs | Should -Be ([long][math]::Floor($r.Duration.TotalMilliseconds))
        }

        It 'gives every enum property by name with a plain ConvertTo-Json (no -EnumsAsStrings)' {
            $checked = 0
            foreach ($name in $outputs.Keys) {
                foreach ($o in @($outputs[$name])) {
                    $enums = @($o.psobject.Properties | Where-Object { $null -ne $_.Value -and $_.Value.GetType().IsEnum })
                    if ($enums.Count -eq 0) { continue }
                    $json = $o | ConvertTo-Json -Depth 3 | ConvertFrom-Json
                    foreach ($p in $enums) {
                        $json.($p.Name) | Should -BeExactly $p.Value.ToString() -Because "$name.$($p.Name)"
                        $checked++
                    }
                }
            }
            $checked | Should -BeGreaterThan 0
            $text = $results | Where-Object Status -eq 'Verified' | Select-Object -First 1 | ConvertTo-Json
            $text | Should -Match '"Status": "Verified"'
            $text | Should -Match '"Origin": "Copied"'
            $failed = [S3Migration.Model.MigrationResult]::new()
            $failed.Status = 'Failed'; $failed.Reason = 'SourceArchived'
            $failed | ConvertTo-Json -Compress | Should -Match '"Status":"Failed".*"Reason":"SourceArchived"'
        }

        It 'reads the enum attribute with PowerShell''s own Newtonsoft.Json, from the default load context' {
            $attribute = [S3Migration.Model.MigrationResultStatus].GetCustomAttributes($false) | Where-Object { $_.GetType().Name -eq 'JsonConverterAttribute' }
            $attribute | Should -Not -BeNullOrEmpty
            $newtonsoft = $attribute.GetType().Assembly
            $newtonsoft | Should -Be ([Newtonsoft.Json.JsonConvert].Assembly)
            [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($newtonsoft).Name | Should -Be 'Default'
            Split-Path $newtonsoft.Location -Parent | Should -Be (Split-Path ([psobject].Assembly.Location) -Parent)
        }

        It 'gives enum names in ConvertTo-Csv and Export-Csv' {
            $row = $results | Where-Object Status -eq 'Verified' | Select-Object -First 1
            $csvRow = $row | ConvertTo-Csv | ConvertFrom-Csv
            $csvRow.Status | Should -BeExactly 'Verified'
            $csvRow.Origin | Should -BeExactly 'Copied'
            $file = Join-Path $TestDrive 'results.csv'
            $checks | Export-Csv -LiteralPath $file
            @(Import-Csv -LiteralPath $file | Where-Object Status -eq 'Verified').Count | Should -Be @($checks | Where-Object Status -eq 'Verified').Count
        }

        It 'keeps the status an enum for scripts' {
            ($results | Where-Object Status -eq 'Verified' | Select-Object -First 1).Status | Should -BeOfType [S3Migration.Model.MigrationResultStatus]
        }

        It 'says what a per-type count of the CSV update is' {
            "$($comparison.ByType | Where-Object FileType -eq 'audio')" | Should -Match '^audio \(s3_audio_url\): \d+ URLs before'
        }
    }

    Context 'the workspace''s CSV files bind back into the cmdlets' {
        It 'checks the copies of migration_log.csv (old_s3_path, new_s3_path)' {
            $rows = @(Import-Csv -LiteralPath (Join-Path $ws 'migration_log.csv') | Where-Object verification_status -eq 'verified')
            $rows.Count | Should -BeGreaterThan 0
            $again = @($rows | Test-MigrationIntegrity -WorkspacePath $ws -ReportPath (Join-Path $TestDrive 'from-log.csv') @connection -WarningAction SilentlyContinue)
            $fromLog = @($again | Where-Object { $_ -is [S3Migration.Model.IntegrityResult] -and $_.Status -ne 'Unexpected' -and $_.Status -ne 'Excluded' })
            $fromLog.Count | Should -Be $rows.Count
            @($fromLog | Where-Object Status -ne 'Verified') | Should -HaveCount 0
            $first = $fromLog | Where-Object SourceKey -eq (($rows[0].old_s3_path) -replace "^s3://$bucket/", '')
            $first.SourceBucket | Should -BeExactly $bucket
            $first.TargetKey | Should -BeExactly (($rows[0].new_s3_path) -replace "^s3://$bucket/", '')
        }

        It 'copies the planned rows of inventory_checksums.csv (key, target_key)' {
            $rows = @(Import-Csv -LiteralPath (Join-Path $ws 'inventory_checksums.csv') | Where-Object status -eq 'Planned')
            $rows.Count | Should -BeGreaterThan 0
            $copied = @($rows | Copy-PersonFiles -SourceBucket $bucket -DestinationBucket $bucket -WorkspacePath $ws @connection)
            $copied.Count | Should -Be $rows.Count
            @($copied | Where-Object { $_.Status -ne 'Skipped' -and $_.Status -ne 'Verified' }) | Should -HaveCount 0
            (@($copied.SourceKey | Sort-Object) -join "`n") | Should -BeExactly (@($rows.key | Sort-Object) -join "`n")
            (@($copied.TargetKey | Sort-Object) -join "`n") | Should -BeExactly (@($rows.target_key | Sort-Object) -join "`n")
        }
    }

    Context 'default table views' {
        It 'shows the whole key of <Name> at <Width> columns' -ForEach @(
            foreach ($w in 80, 120) {
                @{ Name = 'MigrationItem'; Width = $w; Pick = { $items | Where-Object Status -eq 'Planned' | Sort-Object { $_.SourceKey.Length } | Select-Object -Last 1 }; Key = 'SourceKey' }
                @{ Name = 'MigrationItem (orphan)'; Width = $w; Pick = { $items | Where-Object Status -eq 'Orphan' | Select-Object -First 1 }; Key = 'SourceKey' }
                @{ Name = 'MigrationResult'; Width = $w; Pick = { $results | Where-Object Status -eq 'Verified' | Sort-Object { $_.SourceKey.Length } | Select-Object -Last 1 }; Key = 'SourceKey' }
                @{ Name = 'MigrationResult (NotPlanned)'; Width = $w; Pick = { $results | Where-Object Status -eq 'NotPlanned' | Select-Object -First 1 }; Key = 'SourceKey' }
                @{ Name = 'IntegrityResult'; Width = $w; Pick = { $checks | Where-Object Status -eq 'Verified' | Sort-Object { $_.SourceKey.Length } | Select-Object -Last 1 }; Key = 'SourceKey' }
                @{ Name = 'MigrationTarget'; Width = $w; Pick = { $target }; Key = 'TargetKey' }
            }
        ) {
            $row = & $Pick
            $row | Should -Not -BeNullOrEmpty
            $key = $row.$Key
            $key | Should -Not -BeNullOrEmpty
            $text = $row | Format-Table | Out-String -Width $Width
            $header = ($text -split "`n" | Where-Object { $_.Trim() } | Select-Object -First 1).Trim()
            $header | Should -Match '^(SourceKey|TargetKey|Key)\b'
            $text | Should -BeLike "*$([WildcardPattern]::Escape($key))*"
        }

        It 'shows the target key of an integrity result that has no source (Unexpected)' {
            $row = [S3Migration.Model.IntegrityResult]::new()
            $row.Status = 'Unexpected'
            $row.TargetKey = 'audio/101_Ada_Lovelace_unexpected_upload.mp3'
            $row | Format-Table | Out-String -Width 80 | Should -BeLike '*audio/101_Ada_Lovelace_unexpected_upload.mp3*'
        }
    }
}
