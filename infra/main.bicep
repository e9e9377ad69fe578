// b2c-claims-api in Azure: a Flex Consumption Function App (Node.js 22) running as a
// user-assigned identity, a Storage account without shared keys (host storage, deployment
// package, the app's tables), Application Insights without local authentication, and a Key
// Vault for the caller-check secrets. Deployed by `azd up` (azure.yaml), or by
// `az deployment sub create` with this file (see infra/README.md).
targetScope = 'subscription'

// ---------------------------------------------------------------------------------------------
// azd environment
// ---------------------------------------------------------------------------------------------

@minLength(1)
@maxLength(64)
@description('Name of the azd environment (AZURE_ENV_NAME): names the resource group, seeds the other names, and tags every resource azd-env-name.')
param environmentName string

// Flex Consumption runs in a subset of regions; azd offers only these when it asks for the
// location, so a region without Flex Consumption fails here, before a resource group exists in
// it (a failed plan would leave rg-<env> behind in the wrong region). The list is the one of
// Microsoft's TypeScript Flex Consumption quickstart (Azure-Samples/functions-quickstart-
// typescript-azd, 2026-02-24) without its canary region; `az functionapp
// list-flexconsumption-locations -o table` prints the current one: add a region it names.
@minLength(1)
@description('Region of every resource (AZURE_LOCATION): one that offers Flex Consumption.')
@allowed([
  'australiaeast'
  'australiasoutheast'
  'brazilsouth'
  'canadacentral'
  'centralindia'
  'centralus'
  'eastasia'
  'eastus'
  'eastus2'
  'francecentral'
  'germanywestcentral'
  'italynorth'
  'japaneast'
  'koreacentral'
  'northcentralus'
  'northeurope'
  'norwayeast'
  'southafricanorth'
  'southcentralus'
  'southeastasia'
  'southindia'
  'spaincentral'
  'swedencentral'
  'uaenorth'
  'uksouth'
  'ukwest'
  'westcentralus'
  'westeurope'
  'westus'
  'westus2'
  'westus3'
])
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the deploying user or service principal (AZURE_PRINCIPAL_ID). It gets Storage Table Data Contributor and Storage Blob Data Owner, to load loyalty data with an Azure sign-in. Empty: no operator roles.')
param principalId string = ''

@description('Kind of principalId (AZURE_PRINCIPAL_TYPE).')
@allowed([
  'User'
  'ServicePrincipal'
])
param principalType string = 'User'

// ---------------------------------------------------------------------------------------------
// Hosting
// ---------------------------------------------------------------------------------------------

@description('Always-ready instances of the HTTP scale group. Entra waits 1 s by default and B2C 5-10 s: a cold instance must not eat that. 0 saves the baseline cost and accepts cold starts.')
@minValue(0)
@maxValue(20)
param alwaysReadyInstances int = 1

@description('Memory of each instance, in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Upper bound of instances the app scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Key Vault purge protection. Irreversible once on; leave off to let `azd down --purge` remove the vault.')
param keyVaultPurgeProtection bool = false

// A Key Vault deleted without purge keeps its name for the soft-delete retention (90 days), so
// `azd up` after `azd down` would fail creating kv-<token> again. azd's postdown hook
// (azure.yaml) sets KEY_VAULT_NAME_SEED to a new random value, so the next `azd up` creates a
// new vault under a new name; see infra/README.md, "After azd down".
@description('KEY_VAULT_NAME_SEED: empty names the vault kv-<token>; any other value names it kv-<uniqueString(token, seed)>, a new vault.')
param keyVaultNameSeed string = ''

// ---------------------------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------------------------

@description('Table of loyalty members (LOYALTY_TABLE_NAME).')
@minLength(3)
@maxLength(63)
param loyaltyTableName string = 'LoyaltyMembers'

@description('Table of balances (BALANCES_TABLE_NAME).')
@minLength(3)
@maxLength(63)
param balancesTableName string = 'Balances'

@description('Table of the failed-validation throttle (FAILED_VALIDATIONS_TABLE_NAME).')
@minLength(3)
@maxLength(63)
param failedValidationsTableName string = 'FailedValidations'

// ---------------------------------------------------------------------------------------------
// Behaviour (empty: the app's own default applies and the setting is left out)
// ---------------------------------------------------------------------------------------------

@description('STARTING_BALANCE; empty: 50.00.')
param startingBalance string = ''

@description('EXTENSIONS_APP_ID: application id of the tenant\'s b2c-extensions-app; empty: unset.')
param extensionsAppId string = ''

@description('DEFAULT_LANGUAGE; empty: en.')
param defaultLanguage string = ''

@description('STORAGE_TIMEOUT_MS; empty: 1500.')
param storageTimeoutMs string = ''

@description('REQUEST_BUDGET_MS; empty: 3000.')
param requestBudgetMs string = ''

@description('GETPROFILE_FAIL_CLOSED (true or false); empty: false.')
@allowed([
  ''
  'true'
  'false'
])
param getProfileFailClosed string = ''

@description('MAX_FAILED_VALIDATIONS; empty: 10.')
param maxFailedValidations string = ''

@description('MAX_FAILED_VALIDATIONS_PER_EMAIL; empty: 50.')
param maxFailedValidationsPerEmail string = ''

@description('FAILED_VALIDATION_WINDOW_MINUTES; empty: 15.')
param failedValidationWindowMinutes string = ''

@secure()
@description('TELEMETRY_HASH_KEY (16+ random characters), stored in Key Vault; empty: no userHash in telemetry.')
param telemetryHashKey string = ''

// ---------------------------------------------------------------------------------------------
// Caller authentication
// ---------------------------------------------------------------------------------------------

@description('API_AUTH, required: the caller checks accepted, comma-separated, any one passing: basic, apikey, certificate, bearer, entra (none only with allowInsecureAuth).')
@minLength(1)
param apiAuth string

@description('ALLOW_INSECURE_AUTH: true accepts API_AUTH=none in production (a first trial only).')
param allowInsecureAuth bool = false

@description('FUNCTIONS_AUTH_LEVEL of the three B2C functions. anonymous: API_AUTH alone is the caller check (user flows and Entra cannot send a function key in a header).')
@allowed([
  'anonymous'
  'function'
  'admin'
])
param functionsAuthLevel string = 'anonymous'

@description('BASIC_AUTH_USERNAME (basic).')
param basicAuthUsername string = ''

@secure()
@description('BASIC_AUTH_PASSWORD (basic), stored in Key Vault.')
param basicAuthPassword string = ''

@description('BASIC_AUTH_USERNAME_2 (basic, second pair during a rotation).')
param basicAuthUsername2 string = ''

@secure()
@description('BASIC_AUTH_PASSWORD_2 (basic, second pair during a rotation), stored in Key Vault.')
param basicAuthPassword2 string = ''

@description('API_KEY_HEADER (apikey); empty: x-api-key.')
param apiKeyHeader string = ''

@secure()
@description('API_KEY (apikey): one key of 16+ characters, or two comma-separated during a rotation; stored in Key Vault.')
param apiKey string = ''

@description('CLIENT_CERT_THUMBPRINTS (certificate): SHA-1 thumbprints, comma-separated.')
param clientCertThumbprints string = ''

@description('CLIENT_CERT_ISSUER (certificate, optional).')
param clientCertIssuer string = ''

@description('CLIENT_CERT_SUBJECT (certificate, optional).')
param clientCertSubject string = ''

@description('CLIENT_CERT_MODE: kept for compatibility; any value is refused at provisioning (a Flex Consumption app does not receive client certificates).')
@allowed([
  ''
  'Required'
  'Optional'
  'OptionalInteractiveUser'
])
param clientCertMode string = ''

@description('BEARER_ISSUER (bearer): accepted iss values, comma-separated.')
param bearerIssuer string = ''

@description('BEARER_JWKS_URI (bearer, optional).')
param bearerJwksUri string = ''

@description('BEARER_AUDIENCE (bearer): accepted aud values, comma-separated.')
param bearerAudience string = ''

@description('BEARER_ALLOWED_CLIENT_IDS (bearer): the B2C caller app ids, comma-separated. With bearer, this or bearerRequiredRole is required: the app refuses to start with neither.')
param bearerAllowedClientIds string = ''

@description('BEARER_REQUIRED_ROLE (bearer): an app role the token must carry. With bearer, this or bearerAllowedClientIds is required.')
param bearerRequiredRole string = ''

@description('BEARER_ALLOW_USER_TOKENS (bearer): true also accepts delegated (user) tokens; empty: false, only app-only tokens.')
param bearerAllowUserTokens string = ''

@description('ENTRA_TENANT_ID (entra).')
param entraTenantId string = ''

@description('ENTRA_API_APP_ID (entra).')
param entraApiAppId string = ''

@description('ENTRA_JWKS_URI (entra, optional).')
param entraJwksUri string = ''

@description('ENTRA_REQUEST_BUDGET_MS; empty: 800.')
param entraRequestBudgetMs string = ''

@description('ENTRA_LOYALTY_ID_ATTRIBUTE; empty: loyaltyId.')
param entraLoyaltyIdAttribute string = ''

@description('ENTRA_PROMO_CODE_ATTRIBUTE; empty: promoCode.')
param entraPromoCodeAttribute string = ''

@description('ENTRA_TRUST_USER_MAIL: true also takes the email from user.mail when no sign-in identity names one; empty: false.')
param entraTrustUserMail string = ''

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

var abbrs = loadJsonContent('./abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var functionAppName = '${abbrs.webSitesFunctions}api-${resourceToken}'
// Names known before anything is deployed (not module outputs), so What-If can predict the
// resources named by them.
var storageAccountName = '${abbrs.storageStorageAccounts}${resourceToken}'
var applicationInsightsName = '${abbrs.insightsComponents}${resourceToken}'
var keyVaultName = empty(keyVaultNameSeed) ? '${abbrs.keyVaultVaults}${resourceToken}' : '${abbrs.keyVaultVaults}${toLower(uniqueString(resourceToken, keyVaultNameSeed))}'
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}-${take(toLower(uniqueString(functionAppName, resourceToken)), 7)}'

// Incoming client certificates (clientCertEnabled, clientCertMode) are not offered on Flex
// Consumption: Microsoft's Flex Consumption page lists certificate features as unsupported
// ("other platform certificate-based features ... are currently not supported"), so the
// X-ARR-ClientCert header the certificate check reads would never arrive. Refused here, before
// the resource group exists (fail() stops the deployment with this text).
var callerChecks = map(split(toLower(apiAuth), ','), check => trim(check))
var certificateRefusal = 'API_AUTH=certificate (or CLIENT_CERT_MODE) cannot be provisioned: a Flex Consumption app does not receive incoming client certificates. Use bearer or apikey for custom policies and basic for user flows (infra/README.md, Client certificates).'
var certificateRequested = contains(callerChecks, 'certificate') || !empty(clientCertMode)

resource rg 'Microsoft.Resources/resourceGroups@2024-11-01' = {
  name: certificateRequested ? fail(certificateRefusal) : '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module identity 'core/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}api-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'core/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: applicationInsightsName
    location: location
    tags: tags
  }
}

module storage 'core/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: storageAccountName
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
    tableNames: [
      loyaltyTableName
      balancesTableName
      failedValidationsTableName
    ]
  }
}

module keyVault 'core/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: keyVaultName
    location: location
    tags: tags
    enablePurgeProtection: keyVaultPurgeProtection
    basicAuthPassword: basicAuthPassword
    basicAuthPassword2: basicAuthPassword2
    apiKey: apiKey
    telemetryHashKey: telemetryHashKey
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  // The names are known up front; the resources must exist before their role assignments.
  dependsOn: [
    storage
    monitoring
  ]
  params: {
    storageAccountName: storageAccountName
    applicationInsightsName: applicationInsightsName
    keyVaultName: keyVaultName
    secretNames: keyVault.outputs.secretNames
    // The principal id exists only once the identity is made: What-If cannot know it first.
    #disable-next-line what-if-short-circuiting
    identityPrincipalId: identity.outputs.principalId
    operatorPrincipalId: principalId
    operatorPrincipalType: principalType
  }
}

module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  // The roles first: host storage, the deployment package and the Key Vault references all
  // need them when the app starts (they may still take minutes to propagate).
  dependsOn: [
    rbac
  ]
  params: {
    name: functionAppName
    planName: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
    serviceName: 'api'
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storageAccountName
    deploymentContainerName: deploymentContainerName
    tablesEndpoint: storage.outputs.tableEndpoint
    applicationInsightsName: applicationInsightsName
    referenceUris: keyVault.outputs.referenceUris
    alwaysReadyInstances: alwaysReadyInstances
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    loyaltyTableName: loyaltyTableName
    balancesTableName: balancesTableName
    failedValidationsTableName: failedValidationsTableName
    startingBalance: startingBalance
    extensionsAppId: extensionsAppId
    defaultLanguage: defaultLanguage
    functionsAuthLevel: functionsAuthLevel
    storageTimeoutMs: storageTimeoutMs
    requestBudgetMs: requestBudgetMs
    getProfileFailClosed: getProfileFailClosed
    maxFailedValidations: maxFailedValidations
    maxFailedValidationsPerEmail: maxFailedValidationsPerEmail
    failedValidationWindowMinutes: failedValidationWindowMinutes
    apiAuth: apiAuth
    allowInsecureAuth: allowInsecureAuth
    basicAuthUsername: basicAuthUsername
    basicAuthUsername2: basicAuthUsername2
    apiKeyHeader: apiKeyHeader
    clientCertThumbprints: clientCertThumbprints
    clientCertIssuer: clientCertIssuer
    clientCertSubject: clientCertSubject
    bearerIssuer: bearerIssuer
    bearerJwksUri: bearerJwksUri
    bearerAudience: bearerAudience
    bearerAllowedClientIds: bearerAllowedClientIds
    bearerRequiredRole: bearerRequiredRole
    bearerAllowUserTokens: bearerAllowUserTokens
    entraTenantId: entraTenantId
    entraApiAppId: entraApiAppId
    entraJwksUri: entraJwksUri
    entraRequestBudgetMs: entraRequestBudgetMs
    entraLoyaltyIdAttribute: entraLoyaltyIdAttribute
    entraPromoCodeAttribute: entraPromoCodeAttribute
    entraTrustUserMail: entraTrustUserMail
  }
}

// ---------------------------------------------------------------------------------------------
// Outputs (azd writes them to the environment: azd env get-values). No secrets.
// ---------------------------------------------------------------------------------------------

var baseUrl = 'https://${api.outputs.defaultHostName}/api'

output VALIDATE_PROFILE_URL string = '${baseUrl}/ValidateProfile'
output GET_PROFILE_URL string = '${baseUrl}/GetProfile'
output ENRICH_TOKEN_URL string = '${baseUrl}/EnrichToken'
output HEALTH_URL string = '${baseUrl}/health'
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output TABLES_ENDPOINT string = storage.outputs.tableEndpoint
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_APP_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
