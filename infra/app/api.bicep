// The Function App: a Flex Consumption plan (FC1) with one Linux app on Node.js 22, running
// as a user-assigned identity, deployed from a blob container, with every application
// setting of the app in one place (see app-settings:begin below).

@description('Function App name (also the host name: <name>.azurewebsites.net).')
param name string

param planName string
param location string
param tags object

@description('azd service name in azure.yaml: azd finds the app to deploy to by this tag.')
param serviceName string = 'api'

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Client id of that identity (DefaultAzureCredential, host storage, App Insights).')
param identityClientId string

param storageAccountName string
param deploymentContainerName string
param tablesEndpoint string
param applicationInsightsName string

@description('Versionless Key Vault secret URIs by app setting name; empty: no such secret.')
param referenceUris object

// ---- scale ----

@minValue(0)
@maxValue(20)
param alwaysReadyInstances int = 1

@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

// ---- application settings (see main.bicep for what each one means) ----

param loyaltyTableName string
param balancesTableName string
param failedValidationsTableName string
param startingBalance string = ''
param extensionsAppId string = ''
param defaultLanguage string = ''
param functionsAuthLevel string = 'anonymous'
param storageTimeoutMs string = ''
param requestBudgetMs string = ''
param getProfileFailClosed string = ''
param maxFailedValidations string = ''
param maxFailedValidationsPerEmail string = ''
param failedValidationWindowMinutes string = ''
param apiAuth string
param allowInsecureAuth bool = false
param basicAuthUsername string = ''
param basicAuthUsername2 string = ''
param apiKeyHeader string = ''
param clientCertThumbprints string = ''
param clientCertIssuer string = ''
param clientCertSubject string = ''

param bearerIssuer string = ''
param bearerJwksUri string = ''
param bearerAudience string = ''
param bearerAllowedClientIds string = ''
param bearerRequiredRole string = ''
param bearerAllowUserTokens string = ''
param entraTrustUserMail string = ''
param entraTenantId string = ''
param entraApiAppId string = ''
param entraJwksUri string = ''
param entraRequestBudgetMs string = ''
param entraLoyaltyIdAttribute string = ''
param entraPromoCodeAttribute string = ''

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

// API_AUTH is a comma list of caller checks.
var callerChecks = map(split(toLower(apiAuth), ','), check => trim(check))
// With bearer, the app refuses to start unless the callers are named: refuse the deployment first.
var bearerCallersNamed = !contains(callerChecks, 'bearer') || !empty(bearerAllowedClientIds) || !empty(bearerRequiredRole)
  ? true
  : fail('apiAuth includes bearer: set bearerAllowedClientIds (BEARER_ALLOWED_CLIENT_IDS) or bearerRequiredRole (BEARER_REQUIRED_ROLE)')

// All HTTP functions form the Flex Consumption scale group 'http'. Always-ready instances skip
// the cold start, which an Entra call (1 s by default) cannot afford.
var alwaysReady = alwaysReadyInstances > 0 ? [
  {
    name: 'http'
    instanceCount: alwaysReadyInstances
  }
] : []

// A Key Vault reference for a secret that exists, '' (left out below) otherwise.
var keyVaultReference = {
  BASIC_AUTH_PASSWORD: empty(referenceUris.BASIC_AUTH_PASSWORD) ? '' : '@Microsoft.KeyVault(SecretUri=${referenceUris.BASIC_AUTH_PASSWORD})'
  BASIC_AUTH_PASSWORD_2: empty(referenceUris.BASIC_AUTH_PASSWORD_2) ? '' : '@Microsoft.KeyVault(SecretUri=${referenceUris.BASIC_AUTH_PASSWORD_2})'
  API_KEY: empty(referenceUris.API_KEY) ? '' : '@Microsoft.KeyVault(SecretUri=${referenceUris.API_KEY})'
  TELEMETRY_HASH_KEY: empty(referenceUris.TELEMETRY_HASH_KEY) ? '' : '@Microsoft.KeyVault(SecretUri=${referenceUris.TELEMETRY_HASH_KEY})'
}

// Every application setting of the app, one literal name a line. A setting whose value is ''
// is left out (the app then uses its default); secrets appear only as Key Vault references.
// Not set on purpose: FUNCTIONS_WORKER_RUNTIME and FUNCTIONS_EXTENSION_VERSION (Flex
// Consumption takes the runtime from functionAppConfig), AzureWebJobsStorage and
// TABLES_CONNECTION_STRING (no connection strings: identity only),
// AzureWebJobsStorage__tableServiceUri and __accountName (alternatives to TABLES_ENDPOINT),
// AZURE_FUNCTIONS_ENVIRONMENT (never Development in Azure), PORT and SEED_DEMO_DATA (local host
// only).
// app-settings:begin
var allAppSettings = {
  AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  AZURE_CLIENT_ID: identityClientId
  TABLES_ENDPOINT: tablesEndpoint
  STORAGE_ENDPOINT_SUFFIX: environment().suffixes.storage
  LOYALTY_TABLE_NAME: loyaltyTableName
  BALANCES_TABLE_NAME: balancesTableName
  FAILED_VALIDATIONS_TABLE_NAME: failedValidationsTableName
  STARTING_BALANCE: startingBalance
  EXTENSIONS_APP_ID: extensionsAppId
  DEFAULT_LANGUAGE: defaultLanguage
  FUNCTIONS_AUTH_LEVEL: functionsAuthLevel
  STORAGE_TIMEOUT_MS: storageTimeoutMs
  REQUEST_BUDGET_MS: requestBudgetMs
  GETPROFILE_FAIL_CLOSED: getProfileFailClosed
  MAX_FAILED_VALIDATIONS: maxFailedValidations
  MAX_FAILED_VALIDATIONS_PER_EMAIL: maxFailedValidationsPerEmail
  FAILED_VALIDATION_WINDOW_MINUTES: failedValidationWindowMinutes
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  TELEMETRY_HASH_KEY: keyVaultReference.TELEMETRY_HASH_KEY
  API_AUTH: apiAuth
  ALLOW_INSECURE_AUTH: allowInsecureAuth ? 'true' : 'false'
  BASIC_AUTH_USERNAME: basicAuthUsername
  BASIC_AUTH_PASSWORD: keyVaultReference.BASIC_AUTH_PASSWORD
  BASIC_AUTH_USERNAME_2: basicAuthUsername2
  BASIC_AUTH_PASSWORD_2: keyVaultReference.BASIC_AUTH_PASSWORD_2
  API_KEY_HEADER: apiKeyHeader
  API_KEY: keyVaultReference.API_KEY
  CLIENT_CERT_THUMBPRINTS: clientCertThumbprints
  CLIENT_CERT_ISSUER: clientCertIssuer
  CLIENT_CERT_SUBJECT: clientCertSubject
  BEARER_ISSUER: bearerIssuer
  BEARER_JWKS_URI: bearerJwksUri
  BEARER_AUDIENCE: bearerAudience
  BEARER_ALLOWED_CLIENT_IDS: bearerCallersNamed ? bearerAllowedClientIds : ''
  BEARER_REQUIRED_ROLE: bearerRequiredRole
  BEARER_ALLOW_USER_TOKENS: bearerAllowUserTokens
  ENTRA_TENANT_ID: entraTenantId
  ENTRA_API_APP_ID: entraApiAppId
  ENTRA_JWKS_URI: entraJwksUri
  ENTRA_REQUEST_BUDGET_MS: entraRequestBudgetMs
  ENTRA_LOYALTY_ID_ATTRIBUTE: entraLoyaltyIdAttribute
  ENTRA_PROMO_CODE_ATTRIBUTE: entraPromoCodeAttribute
  ENTRA_TRUST_USER_MAIL: entraTrustUserMail
}
// app-settings:end

var appSettings = toObject(filter(items(allAppSettings), setting => !empty(setting.value)), setting => setting.key, setting => setting.value)

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references are resolved with the user-assigned identity, not a system one.
    keyVaultReferenceIdentity: identityId
    // No clientCertEnabled/clientCertMode: Flex Consumption does not offer incoming client
    // certificates, and main.bicep refuses API_AUTH=certificate (see infra/README.md).
    // Not ftpsState: ARM refuses Site.SiteConfig.FtpsState (with use32BitWorkerProcess,
    // preWarmedInstanceCount, netFrameworkVersion, functionsRuntimeScaleMonitoringEnabled) for a
    // Flex Consumption site ("... for Flex Consumption sites is invalid", Azure/azure-cli#31414).
    siteConfig: {
      minTlsVersion: '1.2'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        alwaysReady: alwaysReady
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'node'
        version: '22'
      }
    }
  }
}

// The whole collection is replaced on every deployment: a setting left out here is removed.
resource functionAppSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: appSettings
}

output name string = functionApp.name
output defaultHostName string = functionApp.properties.defaultHostName
