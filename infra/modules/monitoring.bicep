// Log Analytics workspace and a workspace-based Application Insights resource.
// Local (instrumentation key) authentication is off, as in Microsoft's Flex Consumption quickstart:
// the Function App sends telemetry with its managed identity (role "Monitoring Metrics Publisher",
// modules/rbac.bicep, and APPLICATIONINSIGHTS_AUTHENTICATION_STRING, modules/app-settings.bicep).

param location string
param tags object
param logAnalyticsName string
param applicationInsightsName string
param retentionInDays int

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
  }
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
    DisableLocalAuth: true
  }
}

output logAnalyticsName string = logAnalytics.name
output applicationInsightsName string = applicationInsights.name
