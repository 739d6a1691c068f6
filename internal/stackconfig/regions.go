package stackconfig

// Region codes each cloud accepts. A typo in a region otherwise surfaces only
// when the provider plugin first calls the cloud, after other clouds' resources
// have been created.
var (
	awsRegions = []string{
		"af-south-1", "ap-east-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
		"ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3",
		"ap-southeast-4", "ap-southeast-5", "ap-southeast-7", "ca-central-1", "ca-west-1",
		"eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2",
		"eu-west-1", "eu-west-2", "eu-west-3", "il-central-1", "me-central-1", "me-south-1",
		"mx-central-1", "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
	}
	azureLocations = []string{
		"australiaeast", "brazilsouth", "canadacentral", "centralindia", "centralus",
		"eastasia", "eastus", "eastus2", "francecentral", "germanywestcentral",
		"japaneast", "japanwest", "koreacentral", "koreasouth", "northeurope",
		"norwayeast", "southeastasia", "swedencentral", "switzerlandnorth",
		"uaenorth", "uksouth", "ukwest", "westeurope", "westus", "westus2", "westus3",
	}
	gcpRegions = []string{
		"asia-east1", "asia-east2", "asia-northeast1", "asia-northeast2", "asia-northeast3",
		"asia-south1", "asia-southeast1", "asia-southeast2", "australia-southeast1",
		"europe-north1", "europe-west1", "europe-west2", "europe-west3", "europe-west4",
		"europe-west6", "northamerica-northeast1", "southamerica-east1", "us-central1",
		"us-east1", "us-east4", "us-east5", "us-south1", "us-west1", "us-west2", "us-west3", "us-west4",
	}
	alicloudRegions = []string{
		"cn-hangzhou", "cn-shanghai", "cn-qingdao", "cn-beijing", "cn-zhangjiakou",
		"cn-huhehaote", "cn-shenzhen", "cn-chengdu", "cn-hongkong", "ap-southeast-1",
		"ap-southeast-3", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
		"ap-northeast-1", "ap-northeast-2", "us-west-1", "us-east-1", "eu-central-1",
		"eu-west-1", "me-east-1",
	}
)
