// Tests reach every layer of the module; the layering itself is checked by Unit/Architecture tests.
global using S3Migration.Cmdlets;
global using S3Migration.Model;
global using S3Migration.PeopleCsv;
global using S3Migration.Phases;
global using S3Migration.Phases.Backup;
global using S3Migration.Phases.Copy;
global using S3Migration.Phases.Integrity;
global using S3Migration.Phases.Inventory;
global using S3Migration.Phases.Removal;
global using S3Migration.Phases.Rollback;
global using S3Migration.Phases.UrlCheck;
global using S3Migration.Reports;
global using S3Migration.Rules;
global using S3Migration.S3;
global using S3Migration.Workspace;
