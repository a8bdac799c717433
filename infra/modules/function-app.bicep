// The Flex Consumption plan (FC1) and the Function App, following Microsoft's sample
// (azure-functions-flex-consumption-samples, IaC/bicep/core/host/function.bicep):
//   - runtime, scale and the deployment container live in functionAppConfig;
//     FUNCTIONS_WORKER_RUNTIME, FUNCTIONS_EXTENSION_VERSION, WEBSITE_RUN_FROM_PACKAGE and
//     WEBSITE_TIME_ZONE are not used on Flex Consumption and are deliberately absent;
//   - a system-assigned managed identity reaches storage, Key Vault, Application Insights
//     and (after docs/DEPLOY.md steps 5-6) Microsoft Graph;
//   - the app settings are written by modules/app-settings.bicep once the roles exist.

param location string
param tags object
param name string
param planName string
param storageAccountName string
param deploymentContainerName string
param maximumInstanceCount int
param instanceMemoryMB int
@description('Origins allowed by the platform CORS: the add-in\'s origin.')
param allowedOrigins array

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  // azd finds the app to deploy the "api" service to by this tag.
  tags: union(tags, {
    'azd-service-name': 'api'
  })
  kind: 'functionapp,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      cors: {
        allowedOrigins: allowedOrigins
        supportCredentials: false
      }
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'SystemAssignedIdentity'
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'node'
        version: '22'
      }
    }
  }
}

output name string = site.name
output id string = site.id
output defaultHostName string = site.properties.defaultHostName
output principalId string = site.identity.principalId
