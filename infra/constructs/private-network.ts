import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';

/**
 * Where the database lives: a VPC with isolated subnets only — no internet gateway, no NAT
 * gateway (a NAT costs more than the rest of a home Shoebox together), no endpoints. The
 * functions are not in it: they reach Aurora through the RDS Data API over HTTPS, and S3,
 * SQS and DynamoDB directly, like any Lambda outside a VPC. Nothing here is billed by the hour.
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
  }
}
