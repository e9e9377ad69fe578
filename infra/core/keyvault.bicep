// Key Vault for the caller-check secrets. Authorization is Azure RBAC (no access policies);
// the Function App reads the secrets through Key Vault references, by its user-assigned
// identity (role Key Vault Secrets User, see app/rbac.bicep). A secret is created only when
// its value is given, and the vault's URI for it is returned only then: the app setting
// exists only for a secret that exists.

param name string
param location string
param tags object

@description('Purge protection: once on, it cannot be turned off, and a deleted vault cannot be purged before its retention ends.')
param enablePurgeProtection bool = false

@secure()
param basicAuthPassword string = ''

@secure()
param basicAuthPassword2 string = ''

@secure()
param apiKey string = ''

@secure()
param telemetryHashKey string = ''

// Secret names in the vault (letters, digits and hyphens).
var secretNames = {
  basicAuthPassword: 'basic-auth-password'
  basicAuthPassword2: 'basic-auth-password-2'
  apiKey: 'api-key'
  telemetryHashKey: 'telemetry-hash-key'
}

var hasBasicAuthPassword = !empty(basicAuthPassword)
var hasBasicAuthPassword2 = !empty(basicAuthPassword2)
var hasApiKey = !empty(apiKey)
var hasTelemetryHashKey = !empty(telemetryHashKey)

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    // Ignored under RBAC, but the API's VaultProperties call accessPolicies required on create
    // (unless createMode is recover); an empty list, as the AVM key-vault module sends.
    accessPolicies: []
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    // The API never accepts false here (enabling is irreversible): null leaves it off.
    enablePurgeProtection: enablePurgeProtection ? true : null
    // Without virtual network integration (none here), App Service cannot resolve Key Vault
    // references to a network-restricted vault.
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource basicAuthPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (hasBasicAuthPassword) {
  parent: vault
  name: secretNames.basicAuthPassword
  properties: {
    value: basicAuthPassword
    contentType: 'text/plain'
  }
}

resource basicAuthPassword2Secret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (hasBasicAuthPassword2) {
  parent: vault
  name: secretNames.basicAuthPassword2
  properties: {
    value: basicAuthPassword2
    contentType: 'text/plain'
  }
}

resource apiKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (hasApiKey) {
  parent: vault
  name: secretNames.apiKey
  properties: {
    value: apiKey
    contentType: 'text/plain'
  }
}

resource telemetryHashKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (hasTelemetryHashKey) {
  parent: vault
  name: secretNames.telemetryHashKey
  properties: {
    value: telemetryHashKey
    contentType: 'text/plain'
  }
}

// vaultUri ends with '/'. A reference without a version follows the secret's current version.
// The module (and so every module using these outputs) completes only after the secrets exist.
var secretsBase = '${vault.properties.vaultUri}secrets/'

output name string = vault.name
output id string = vault.id

@description('Names of the secrets that exist in the vault (the app identity may read exactly these).')
output secretNames string[] = filter(
  [
    hasBasicAuthPassword ? secretNames.basicAuthPassword : ''
    hasBasicAuthPassword2 ? secretNames.basicAuthPassword2 : ''
    hasApiKey ? secretNames.apiKey : ''
    hasTelemetryHashKey ? secretNames.telemetryHashKey : ''
  ],
  secretName => !empty(secretName)
)

@description('Versionless secret URIs by app setting name; empty for a secret that was not given. URIs only, never values.')
output referenceUris object = {
  BASIC_AUTH_PASSWORD: hasBasicAuthPassword ? '${secretsBase}${secretNames.basicAuthPassword}' : ''
  BASIC_AUTH_PASSWORD_2: hasBasicAuthPassword2 ? '${secretsBase}${secretNames.basicAuthPassword2}' : ''
  API_KEY: hasApiKey ? '${secretsBase}${secretNames.apiKey}' : ''
  TELEMETRY_HASH_KEY: hasTelemetryHashKey ? '${secretsBase}${secretNames.telemetryHashKey}' : ''
}
