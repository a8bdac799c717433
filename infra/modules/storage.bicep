// One storage account for three things, as in Microsoft's Flex Consumption quickstart:
//   - the Functions host's own storage (AzureWebJobsStorage: timer locks, keys),
//   - the blob container the deployment package is uploaded to,
//   - the API's tables (contracts, contributions, chase ledger ...).
// Shared key access is off: the host, the deployment and the API all use the app's managed
// identity (modules/rbac.bicep). The API therefore gets the table endpoint URL
// (STORAGE_TABLE_ENDPOINT), never a connection string.

param location string
param tags object
param name string
param skuName string
param deploymentContainerName string

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    dnsEndpointType: 'Standard'
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }

  resource blobServices 'blobServices' = {
    name: 'default'

    resource deploymentContainer 'containers' = {
      name: deploymentContainerName
      properties: {
        publicAccess: 'None'
      }
    }
  }

  // The API creates its own tables on first use (Storage Table Data Contributor may create tables).
  resource tableServices 'tableServices' = {
    name: 'default'
  }
}

output name string = storage.name
output id string = storage.id
output blobEndpoint string = storage.properties.primaryEndpoints.blob
// Without the trailing slash, ready for `new TableClient(url, table, credential)`.
output tableEndpoint string = 'https://${storage.name}.table.${environment().suffixes.storage}'
