// Key Vault in RBAC mode (no access policies). It holds:
//   ingest-secret       INGEST_SECRET, written here from the azd-generated parameter;
//                       the app setting is a Key Vault reference to its unversioned URI,
//                       so a rotated value reaches the app without a redeployment.
//   forms-function-key  the function key the Power Automate flow sends (written by an operator,
//                       docs/DEPLOY.md step 7; not by this template).
// The Function App reads with "Key Vault Secrets User" (modules/rbac.bicep).

param location string
param tags object
param name string
@secure()
param ingestSecret string
param enablePurgeProtection bool

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
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    // Purge protection cannot be set to false, only left out.
    enablePurgeProtection: enablePurgeProtection ? true : null
    // Key Vault references from a Flex Consumption app do not work when the vault is
    // network-restricted (Microsoft's Flex Consumption "Considerations"), so it stays public,
    // protected by Entra ID and RBAC.
    publicNetworkAccess: 'Enabled'
  }
}

resource ingestSecretResource 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'ingest-secret'
  properties: {
    value: ingestSecret
    contentType: 'text/plain'
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
output ingestSecretUri string = ingestSecretResource.properties.secretUri
