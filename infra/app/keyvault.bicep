// Key Vault in RBAC mode. It holds the provider API keys, the PayAI key, the admin token and the
// crank and treasury keypairs; the apps read them through Key Vault references. No secret values
// are declared here: operators set them with `az keyvault secret set` (see docs/deploy.md).
param name string
param location string
param tags object

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

output id string = vault.id
output name string = vault.name
output uri string = vault.properties.vaultUri
