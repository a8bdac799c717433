// The Function App's app settings: the API's own (passed in as `settings`, listed in
// infra/app-settings.json) plus the four the Functions host needs for identity-based host
// storage and Entra-authenticated telemetry. This resource replaces the whole set of app
// settings on every deployment; change settings here (or in main.bicep), not in the portal.

param functionAppName string
param storageAccountName string
param applicationInsightsName string
param settings object

resource site 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: union(settings, {
    AzureWebJobsStorage__accountName: storageAccountName
    AzureWebJobsStorage__credential: 'managedidentity'
    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD'
  })
}
