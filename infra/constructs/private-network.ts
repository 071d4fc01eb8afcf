import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';

/**
 * A VPC with no NAT gateway and no internet route: a NAT costs more than the rest of a
 * home Shoebox together. Functions reach S3 and DynamoDB through free gateway endpoints,
 * SQS through one interface endpoint in one zone, and the database by IAM token (no
 * Secrets Manager call at run time). Nothing else leaves the VPC.
 */
export class PrivateNetwork extends Construct {
  readonly vpc: ec2.Vpc;
  readonly subnets: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2, // Aurora wants subnets in two zones
      natGateways: 0,
      subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
    });
    this.vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3, subnets: [this.subnets] });
    this.vpc.addGatewayEndpoint('DynamoDb', { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB, subnets: [this.subnets] });
    // ~$7/month: the one fixed network cost. One zone is enough; the other reaches it across zones.
    this.vpc.addInterfaceEndpoint('Sqs', {
      service: ec2.InterfaceVpcEndpointAwsService.SQS,
      subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED, availabilityZones: [this.vpc.availabilityZones[0]!] },
      privateDnsEnabled: true,
    });
  }
}
