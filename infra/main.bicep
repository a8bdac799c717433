// Social Value Ledger: the Azure side, for `azd up` (Azure Developer CLI).
//
// Layout follows Microsoft's Flex Consumption quickstart (Azure-Samples/functions-quickstart-typescript-azd,
// Azure-Samples/azure-functions-flex-consumption-samples IaC/bicep), written with plain resources instead of
// registry modules so every property is visible here:
//
//   resource group
//   ├─ Log Analytics workspace + Application Insights (Entra-only ingestion)        modules/monitoring.bicep
//   ├─ storage account: host storage, deployment container, the API's tables      modules/storage.bicep
//   │    shared keys disabled; everything reaches it with the managed identity
//   ├─ Key Vault (RBAC mode) holding INGEST_SECRET                                 modules/keyvault.bicep
//   ├─ Flex Consumption plan (FC1) + Function App, Node 22, system-assigned identity modules/function-app.bicep
//   ├─ role assignments for that identity (and the deployer on the vault)          modules/rbac.bicep
//   ├─ app settings (after the roles exist, so Key Vault references resolve)        modules/app-settings.bicep
//   └─ Static Web App that serves the Excel add-in's files                          modules/addin-site.bicep
//
// The names of the app settings are listed, with what they mean, in infra/app-settings.json.
// Nothing here has been compiled: there is no Bicep compiler on the machine this was written on.
// Run `az bicep build --file infra/main.bicep` before the first deployment (docs/DEPLOY.md, step 3).

targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment (e.g. "svl-prod"); it seeds the unique suffix of every resource name.')
param environmentName string

@minLength(1)
@description('Region for everything except the add-in site. UK South keeps the data in the UK.')
@allowed([
  'uksouth'
  'ukwest'
  'northeurope'
  'westeurope'
  'francecentral'
  'germanywestcentral'
  'swedencentral'
])
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Region of the Static Web App that serves the add-in (static files only, no personal data). Static Web Apps is offered in fewer regions than Functions; West Europe is the nearest.')
@allowed([
  'westeurope'
  'eastus2'
  'centralus'
  'westus2'
  'eastasia'
])
param staticWebAppLocation string = 'westeurope'

@description('Resource group name; empty means "rg-<environmentName>".')
param resourceGroupName string = ''

@description('Object id of the person (or pipeline) running the deployment. azd fills it in. It gets "Key Vault Secrets Officer" on the vault so azd can read INGEST_SECRET back on the next run and an operator can store the flow\'s function key there.')
param principalId string = ''

@description('What principalId is: a person ("User") or a pipeline identity ("ServicePrincipal").')
@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param principalType string = 'User'

@secure()
@minLength(15)
@description('The shared secret the Forms flow sends in x-ingest-secret. azd generates it on the first run and reads it back from Key Vault afterwards (main.parameters.json).')
param ingestSecret string

@secure()
@description('Leave to its default. azd\'s generator makes 15 characters and the API wants at least 16, so a shorter secret is lengthened once with this random value; the longer secret is then stored and read back unchanged.')
param ingestSecretSeed string = newGuid()

@description('The organisation\'s name, as emails are signed (e.g. "Anytown Borough Council").')
param organisationName string = ''

@description('The mailbox the chase emails are sent from, e.g. social.value@anytown.gov.uk. It must be a real Exchange Online mailbox (a shared mailbox is fine).')
param mailSender string = ''

@description('Entra tenant id the API accepts tokens from; empty means the tenant of this subscription.')
param authTenantId string = ''

@description('Application (client) id of the "Social Value Ledger API" app registration (infra/entra/register-apps.sh prints it). Empty on the very first provision; the API refuses to start until it is set.')
param apiClientId string = ''

@description('Where the add-in is served from, e.g. https://addin.anytown.gov.uk. Empty means the Static Web App made here.')
param addinBaseUrl string = ''

@description('The supplier-facing link to the Microsoft Form ("Collect responses" link); reminder emails link to it.')
param formUrl string = ''

@description('NCRONTAB schedule of the chase. Empty means "0 0 7 * * 1-5". Flex Consumption runs timers in UTC (WEBSITE_TIME_ZONE is not supported there), so 07:00 UTC is 08:00 in British Summer Time.')
param chaseSchedule string = ''

@description('Time zone used to decide what is overdue and to read the Forms workbook\'s local times. Empty means Europe/London.')
param timeZone string = ''

@description('NCRONTAB schedule of the Graph pull of the Forms response workbook; empty leaves the pull switched off (the Power Automate flow is then the only way in).')
param formsPullSchedule string = ''

@description('JSON list of the response workbooks to pull and their column mapping (infra/forms/FLOW.md, "Column mapping"). Empty when the pull is off.')
param formsPullSources string = ''

@description('Highest number of instances the app may scale out to (Flex Consumption allows 40 to 1000). 40 is far more than a council needs and caps the bill.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory of each instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Replication of the storage account that holds the ledger. ZRS (three zones) is recommended where the region has zones (UK South does, UK West does not).')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_RAGRS'
])
param storageSkuName string = 'Standard_LRS'

@description('Days Log Analytics keeps logs.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 90

@description('Key Vault purge protection: once on it cannot be turned off, and a deleted vault name stays reserved for 90 days.')
param enableKeyVaultPurgeProtection bool = true

@description('Let the platform (siteConfig.cors) answer CORS for the add-in\'s origin. Turn off to leave CORS entirely to the API (CORS_ORIGINS), e.g. if the add-in cannot read a response header such as ETag through the platform CORS.')
param platformCors bool = true

// ---------------------------------------------------------------------------------------------
// Names

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
  application: 'social-value-ledger'
}
var functionAppName = 'func-svl-${resourceToken}'
// Same pattern as the quickstart: one container per app for its deployment packages.
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}-${take(resourceToken, 7)}'

var resolvedTenantId = empty(authTenantId) ? tenant().tenantId : authTenantId
var loginEndpoint = environment().authentication.loginEndpoint // "https://login.microsoftonline.com/"
var effectiveIngestSecret = length(ingestSecret) >= 16 ? ingestSecret : '${ingestSecret}${replace(ingestSecretSeed, '-', '')}'
var resolvedChaseSchedule = empty(chaseSchedule) ? '0 0 7 * * 1-5' : chaseSchedule
var resolvedTimeZone = empty(timeZone) ? 'Europe/London' : timeZone

resource rg 'Microsoft.Resources/resourceGroups@2022-09-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : 'rg-${environmentName}'
  location: location
  tags: tags
}

// ---------------------------------------------------------------------------------------------
// Resources

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    location: location
    tags: tags
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    retentionInDays: logRetentionInDays
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'st${resourceToken}'
    skuName: storageSkuName
    deploymentContainerName: deploymentContainerName
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'kv-${resourceToken}'
    ingestSecret: effectiveIngestSecret
    enablePurgeProtection: enableKeyVaultPurgeProtection
  }
}

module addinSite 'modules/addin-site.bicep' = {
  name: 'addin-site'
  scope: rg
  params: {
    location: staticWebAppLocation
    tags: tags
    name: 'stapp-svl-${resourceToken}'
  }
}

// The add-in's address, and the origin (scheme + host) that CORS allows.
var resolvedAddinBaseUrl = empty(addinBaseUrl) ? addinSite.outputs.url : addinBaseUrl
var addinOrigin = 'https://${split(split(resolvedAddinBaseUrl, '://')[1], '/')[0]}'

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  scope: rg
  params: {
    location: location
    tags: tags
    name: functionAppName
    planName: 'plan-${resourceToken}'
    storageAccountName: storage.outputs.name
    deploymentContainerName: deploymentContainerName
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    allowedOrigins: platformCors ? [addinOrigin] : []
  }
}

module rbac 'modules/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    keyVaultName: keyVault.outputs.name
    appPrincipalId: functionApp.outputs.principalId
    deployerPrincipalId: principalId
    deployerPrincipalType: principalType
  }
}

// Every setting the API reads in Azure. Keep this list and infra/app-settings.json in step:
// `node infra/check.mjs` compares them.
var apiSettings = {
  AUTH_MODE: 'entra'
  STORAGE_TABLE_ENDPOINT: storage.outputs.tableEndpoint
  INGEST_SECRET: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.ingestSecretUri})'
  GRAPH_BASE_URL: 'https://graph.microsoft.com/v1.0'
  MAIL_SENDER: mailSender
  ORGANISATION_NAME: organisationName
  FORM_URL: formUrl
  AUTH_TENANT_ID: resolvedTenantId
  AUTH_AUDIENCE: empty(apiClientId) ? '' : '${apiClientId},api://${apiClientId}'
  AUTH_ISSUER: '${loginEndpoint}${resolvedTenantId}/v2.0'
  AUTH_JWKS_URL: '${loginEndpoint}${resolvedTenantId}/discovery/v2.0/keys'
  CORS_ORIGINS: addinOrigin
  CHASE_SCHEDULE: resolvedChaseSchedule
  TIME_ZONE: resolvedTimeZone
  FORMS_PULL_SCHEDULE: formsPullSchedule
  FORMS_PULL_SOURCES: formsPullSources
}

module appSettings 'modules/app-settings.bicep' = {
  name: 'app-settings'
  scope: rg
  params: {
    functionAppName: functionApp.outputs.name
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    settings: apiSettings
  }
  // Role assignments first: the Key Vault reference and the identity-based host storage
  // connection are resolved when these settings restart the app.
  dependsOn: [
    rbac
  ]
}

// ---------------------------------------------------------------------------------------------
// Outputs (azd writes them to .azure/<environment>/.env; docs/DEPLOY.md reads them with `azd env get-value`)

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output SERVICE_API_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output FUNCTION_APP_HOSTNAME string = functionApp.outputs.defaultHostName
output API_BASE_URL string = 'https://${functionApp.outputs.defaultHostName}/api'
output FUNCTION_APP_PRINCIPAL_ID string = functionApp.outputs.principalId
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output STORAGE_TABLE_ENDPOINT string = storage.outputs.tableEndpoint
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_URI string = keyVault.outputs.uri
output ADDIN_STATIC_WEB_APP_NAME string = addinSite.outputs.name
output ADDIN_BASE_URL string = resolvedAddinBaseUrl
output ADDIN_ORIGIN string = addinOrigin
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
