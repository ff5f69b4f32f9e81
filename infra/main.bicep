// Bourse on Azure: two Flex Consumption function apps (`functions`: HTTP rails, settlement,
// buyback; `indexer`: Solana ingestion), one storage account, Key Vault, monitoring and the
// identity that ties them together. Deployed with `azd up` (see docs/deploy.md).
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; names the resource group and tags every resource.')
param environmentName string

@minLength(1)
@description('Primary location for all resources.')
@metadata({ azd: { type: 'location' } })
param location string

@description('Object id of the principal running azd (AZURE_PRINCIPAL_ID); gets Key Vault Secrets Officer and storage data roles. Empty to skip.')
param principalId string = ''

@allowed(['User', 'ServicePrincipal', 'Group'])
param principalType string = 'User'

@allowed(['devnet', 'mainnet'])
@description('Solana cluster: selects the CAIP-2 network id, the USDC mint and the public fallback RPC.')
param solanaNetwork string = 'devnet'

@description('The protocol treasury wallet (base58): x402 payTo for models without a revenue vault.')
@minLength(32)
param treasuryAddress string

@description('NCRONTAB schedule of the job that releases expired credit holds.')
param holdExpirySchedule string = '0 */1 * * * *'

@description('x402 facilitator base URL.')
param facilitatorUrl string = 'https://facilitator.payai.network'

@description('NCRONTAB (6 fields) for the buyback crank.')
param buybackSchedule string = '0 */15 * * * *'

@description('NCRONTAB (6 fields) for the creator-fee sweep.')
param sweepSchedule string = '0 5 * * * *'

@description('NCRONTAB (6 fields) for the Solana Pay deposit watcher.')
param depositWatchSchedule string = '*/15 * * * * *'

@description('Host of the web app wallets sign in to (Sign-In-With-Solana domain), e.g. bourse.example.')
param webDomain string = 'localhost'

@description('Wallets (base58) whose sign-in sessions may use the /api/admin routes.')
param adminWallets array = []
@description('NCRONTAB (6 fields) for the Token-2022 transfer-fee harvest.')
param harvestSchedule string = '0 35 * * * *'

@minValue(1)
@description('A vault is bought back from once its eligible creator fees reach this much (micro-USDC).')
param buybackThreshold int = 10000000

@minValue(1)
@description('The most one buyback job spends (micro-USDC).')
param buybackMaxAmountPerJob int = 1000000000

@minValue(1)
@maxValue(5000)
@description('The worst price impact a buyback quote may have, and the minimum out below the quote (bps).')
param buybackMaxSlippageBps int = 100

@description('NCRONTAB (6 fields) for the indexer.')
param indexerSchedule string = '0 * * * * *'

@minValue(40)
@maxValue(1000)
@description('Flex Consumption scale-out limit of the functions app.')
param functionsMaximumInstanceCount int = 100

@minValue(40)
@maxValue(1000)
@description('Flex Consumption scale-out limit of the indexer app.')
param indexerMaximumInstanceCount int = 40

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }

// Per-cluster constants. The primary RPC URL (which usually embeds a provider key) is a Key Vault
// secret; the public endpoint is the fallback.
var networks = {
  devnet: {
    caip2: 'solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1'
    usdcMint: '4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU'
    publicRpcUrl: 'https://api.devnet.solana.com'
  }
  mainnet: {
    caip2: 'solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp'
    usdcMint: 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v'
    publicRpcUrl: 'https://api.mainnet-beta.solana.com'
  }
}
var network = networks[solanaNetwork]

// Storage the code uses: Bourse.Storage.QueueNames / TableNames and the queue triggers. The
// Deployment tests fail when the code names a queue or table that is not listed here.
var queueNames = ['settlement', 'settlement-poison', 'buyback', 'buyback-poison']
var tableNames = [
  'X402Payments'
  'ApiKeys'
  'CreditAccounts'
  'Settlements'
  'VaultPayables'
  'DueIndex'
  'Listings'
  'ProgramAccounts'
  'ModelMints'
  'ModelVaults'
  'ChainHistory'
  'IndexerState'
  'SignIns'
  'Deposits'
  'CreatorApplications'
  'Buybacks'
  'FeeHarvests'
  'X402Demo'
]

var names = {
  identity: 'id-${resourceToken}'
  storage: 'st${resourceToken}'
  keyVault: 'kv-${resourceToken}'
  logAnalytics: 'log-${resourceToken}'
  applicationInsights: 'appi-${resourceToken}'
  functionsApp: 'func-api-${resourceToken}'
  functionsPlan: 'plan-api-${resourceToken}'
  indexerApp: 'func-idx-${resourceToken}'
  indexerPlan: 'plan-idx-${resourceToken}'
}
var functionsPackageContainer = 'app-package-functions'
var indexerPackageContainer = 'app-package-indexer'

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'app/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: names.logAnalytics
    applicationInsightsName: names.applicationInsights
    location: location
    tags: tags
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: names.storage
    location: location
    tags: tags
    queues: queueNames
    tables: tableNames
    containers: [functionsPackageContainer, indexerPackageContainer]
  }
}

module keyVault 'app/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: names.keyVault
    location: location
    tags: tags
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    identityName: names.identity
    storageName: names.storage
    keyVaultName: names.keyVault
    applicationInsightsName: names.applicationInsights
    operatorPrincipalId: principalId
    operatorPrincipalType: principalType
  }
  dependsOn: [identity, storage, keyVault, monitoring]
}

module functionsApp 'app/functionapp.bicep' = {
  name: 'functions-app'
  scope: rg
  params: {
    name: names.functionsApp
    planName: names.functionsPlan
    location: location
    tags: tags
    serviceName: 'functions'
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageBlobEndpoint: storage.outputs.blobEndpoint
    storageQueueEndpoint: storage.outputs.queueEndpoint
    storageTableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerName: functionsPackageContainer
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    maximumInstanceCount: functionsMaximumInstanceCount
    appSettings: {
      Solana__RpcUrls__0: '@Microsoft.KeyVault(VaultName=${names.keyVault};SecretName=solana-rpc-url)'
      Solana__RpcUrls__1: network.publicRpcUrl
      X402__Network: network.caip2
      X402__UsdcMint: network.usdcMint
      X402__TreasuryAddress: treasuryAddress
      X402__FacilitatorUrl: facilitatorUrl
      X402__PayAiKeyId: '@Microsoft.KeyVault(VaultName=${names.keyVault};SecretName=payai-key-id)'
      X402__PayAiKeySecret: '@Microsoft.KeyVault(VaultName=${names.keyVault};SecretName=payai-key-secret)'
      Admin__Token: '@Microsoft.KeyVault(VaultName=${names.keyVault};SecretName=admin-token)'
      Accounts__KeyPepper: '@Microsoft.KeyVault(VaultName=${names.keyVault};SecretName=accounts-key-pepper)'
      Providers__DeepSeek__BaseUrl: 'https://api.deepseek.com/v1'
      Providers__Moonshot__BaseUrl: 'https://api.moonshot.ai/v1'
      Providers__Cerebras__BaseUrl: 'https://api.cerebras.ai/v1'
      Providers__HuggingFace__BaseUrl: 'https://router.huggingface.co/v1'
      Providers__Chutes__BaseUrl: 'https://llm.chutes.ai/v1'
      HOLD_EXPIRY_SCHEDULE: holdExpirySchedule
      Treasury__Keypair: '@Microsoft.KeyVault(VaultName=${names.keyVault};SecretName=treasury-keypair)'
      Buyback__CrankKeypair: '@Microsoft.KeyVault(VaultName=${names.keyVault};SecretName=crank-keypair)'
      Buyback__JupiterApiKey: '@Microsoft.KeyVault(VaultName=${names.keyVault};SecretName=jupiter-api-key)'
      Buyback__Threshold: string(buybackThreshold)
      Buyback__MaxAmountPerJob: string(buybackMaxAmountPerJob)
      Buyback__MaxSlippageBps: string(buybackMaxSlippageBps)
      Harvest__WithdrawAuthorityKeypair: '@Microsoft.KeyVault(VaultName=${names.keyVault};SecretName=fee-withdraw-authority-keypair)'
      HARVEST_SCHEDULE: harvestSchedule
      Providers__DeepSeek__ApiKey: '@Microsoft.KeyVault(VaultName=${names.keyVault};SecretName=deepseek-api-key)'
      Providers__Moonshot__ApiKey: '@Microsoft.KeyVault(VaultName=${names.keyVault};SecretName=moonshot-api-key)'
      Providers__Cerebras__ApiKey: '@Microsoft.KeyVault(VaultName=${names.keyVault};SecretName=cerebras-api-key)'
      Providers__HuggingFace__ApiKey: '@Microsoft.KeyVault(VaultName=${names.keyVault};SecretName=huggingface-api-key)'
      Providers__Chutes__ApiKey: '@Microsoft.KeyVault(VaultName=${names.keyVault};SecretName=chutes-api-key)'
      BUYBACK_SCHEDULE: buybackSchedule
      SWEEP_SCHEDULE: sweepSchedule
      DEPOSIT_WATCH_SCHEDULE: depositWatchSchedule
      SignIn__Domain: webDomain
      SignIn__Uri: 'https://${webDomain}'
      SignIn__ChainId: solanaNetwork
      SignIn__AdminWallets: join(adminWallets, ',')
      // A 64 MiB gen0 budget: the router allocates per call, and the default budget (sized from the CPU cache) means
      // a gen0 collection every few hundred calls; measured with ./bourse bench router (README).
      DOTNET_GCgen0size: '0x4000000'
    }
  }
  dependsOn: [rbac]
}

module indexerApp 'app/functionapp.bicep' = {
  name: 'indexer-app'
  scope: rg
  params: {
    name: names.indexerApp
    planName: names.indexerPlan
    location: location
    tags: tags
    serviceName: 'indexer'
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageBlobEndpoint: storage.outputs.blobEndpoint
    storageQueueEndpoint: storage.outputs.queueEndpoint
    storageTableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerName: indexerPackageContainer
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    maximumInstanceCount: indexerMaximumInstanceCount
    appSettings: {
      Solana__RpcUrls__0: '@Microsoft.KeyVault(VaultName=${names.keyVault};SecretName=solana-rpc-url)'
      Solana__RpcUrls__1: network.publicRpcUrl
      INDEXER_SCHEDULE: indexerSchedule
    }
  }
  dependsOn: [rbac]
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTIONS_APP_NAME string = functionsApp.outputs.name
output AZURE_INDEXER_APP_NAME string = indexerApp.outputs.name
output AZURE_FUNCTIONS_URL string = 'https://${functionsApp.outputs.defaultHostName}'
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_STORAGE_QUEUE_ENDPOINT string = storage.outputs.queueEndpoint
output AZURE_STORAGE_TABLE_ENDPOINT string = storage.outputs.tableEndpoint
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_ENDPOINT string = keyVault.outputs.uri
output AZURE_USER_ASSIGNED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output SOLANA_NETWORK string = network.caip2
