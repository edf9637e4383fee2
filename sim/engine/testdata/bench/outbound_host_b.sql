DECLARE @mirrorcert_ok_1 int = 0, @mirrorcert_ok_2 int = 0;
SET @mirrorcert_ok_1 = 1;
CREATE MASTER KEY ENCRYPTION BY PASSWORD = N'Bench-MasterKey-Passw0rd!';
IF @@ERROR <> 0 SET @mirrorcert_ok_1 = 0;
IF @mirrorcert_ok_1 = 1
BEGIN
SET @mirrorcert_ok_2 = 1;
CREATE CERTIFICATE [HOST_B_cert]
    WITH SUBJECT = N'HOST_B certificate for database mirroring',
    START_DATE = N'20261129',
    EXPIRY_DATE = N'20311130';
IF @@ERROR <> 0 SET @mirrorcert_ok_2 = 0;
END
IF @mirrorcert_ok_2 = 1
BEGIN
CREATE ENDPOINT [Endpoint_Mirroring]
    STATE = STARTED
    AS TCP (LISTENER_PORT = 7024, LISTENER_IP = ALL)
    FOR DATABASE_MIRRORING (
        AUTHENTICATION = CERTIFICATE [HOST_B_cert],
        ENCRYPTION = REQUIRED ALGORITHM AES,
        ROLE = ALL);
END
SET NOCOUNT ON;
SELECT CAST(SERVERPROPERTY('ProductVersion') AS nvarchar(128)) AS product_version, @@SERVERNAME AS server_name, CAST(SERVERPROPERTY('Collation') AS nvarchar(128)) AS collation, (SELECT collation_name FROM master.sys.databases WHERE database_id = 1) AS master_collation, SUSER_SNAME() AS login_name, IS_SRVROLEMEMBER('sysadmin') AS is_sysadmin, HAS_PERMS_BY_NAME(NULL, NULL, N'VIEW ANY DEFINITION'), HAS_PERMS_BY_NAME(NULL, NULL, N'ALTER ANY LOGIN'), HAS_PERMS_BY_NAME(NULL, NULL, N'ALTER ANY ENDPOINT'), HAS_PERMS_BY_NAME(N'master', N'DATABASE', N'CONTROL');
SELECT COUNT(*) AS master_key FROM master.sys.symmetric_keys WHERE name = N'##MS_DatabaseMasterKey##';
SELECT c.name, c.certificate_id, dp.name AS owner, c.pvt_key_encryption_type, c.subject, c.start_date, c.expiry_date, c.thumbprint, CERTENCODED(c.certificate_id) AS encoded FROM master.sys.certificates AS c LEFT JOIN master.sys.database_principals AS dp ON dp.principal_id = c.principal_id WHERE c.name NOT LIKE '##%';
SELECT e.name, e.endpoint_id, e.state_desc, e.role_desc, e.connection_auth_desc, c.name AS cert_name, e.is_encryption_enabled, e.encryption_algorithm_desc, t.port FROM master.sys.database_mirroring_endpoints AS e JOIN master.sys.tcp_endpoints AS t ON t.endpoint_id = e.endpoint_id LEFT JOIN master.sys.certificates AS c ON c.certificate_id = e.certificate_id;
SELECT name, sid FROM master.sys.server_principals WHERE type = 'S';
SELECT dp.name, dp.sid, sp.name AS login_name FROM master.sys.database_principals AS dp LEFT JOIN master.sys.server_principals AS sp ON sp.sid = dp.sid;
SELECT sp.name, p.major_id FROM master.sys.server_permissions AS p JOIN master.sys.server_principals AS sp ON sp.principal_id = p.grantee_principal_id WHERE p.class_desc = 'ENDPOINT' AND p.permission_name = 'CONNECT' AND p.state IN ('G', 'W');
