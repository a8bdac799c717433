// Azure Static Web Apps (Free) serves the Excel add-in's built files (dist/): taskpane.html,
// the scripts, functions.json, icons and manifest.xml. Deployed with the Static Web Apps CLI
// (docs/DEPLOY.md step 8). No API is linked to it: the add-in calls the Function App directly.

param location string
param tags object
param name string

resource site 'Microsoft.Web/staticSites@2023-12-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Free'
    tier: 'Free'
  }
  properties: {}
}

output name string = site.name
output url string = 'https://${site.properties.defaultHostname}'
