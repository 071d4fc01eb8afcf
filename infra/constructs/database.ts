import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import type { PrivateNetwork } from './private-network.js';

export interface DatabaseProps {
  network: PrivateNetwork;
  /** Aurora capacity units when busy; idle it pauses at 0. */
  maxCapacity?: number;
}

/** The app's login role: no password, IAM tokens only (created by the migrations). */
export const APP_DB_USER = 'shoebox';
export const DB_NAME = 'shoebox';

/**
 * Aurora Serverless v2 PostgreSQL with pgvector, pausing at 0 ACU when idle. The admin
 * password is generated into Secrets Manager and used only by the migrations (through the
 * Data API, from outside the VPC); the app logs in as APP_DB_USER with IAM tokens.
 */
export class Database extends Construct {
  readonly cluster: rds.DatabaseCluster;
  readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.network.vpc,
      allowAllOutbound: false,
      description: 'Shoebox database: reachable only from Shoebox functions',
    });
    this.cluster = new rds.DatabaseCluster(this, 'Cluster', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_6 }),
      writer: rds.ClusterInstance.serverlessV2('Writer'),
      serverlessV2MinCapacity: 0,
      serverlessV2MaxCapacity: props.maxCapacity ?? 4,
      vpc: props.network.vpc,
      vpcSubnets: props.network.subnets,
      securityGroups: [this.securityGroup],
      credentials: rds.Credentials.fromGeneratedSecret('shoebox_admin'),
      defaultDatabaseName: DB_NAME,
      iamAuthentication: true,
      enableDataApi: true,
      storageEncrypted: true,
      backup: { retention: Duration.days(7) },
      removalPolicy: RemovalPolicy.SNAPSHOT,
    });
  }

  /** Lets a function in the VPC reach the database and log in as the app user. */
  allowFrom(connectable: ec2.IConnectable & { role?: import('aws-cdk-lib/aws-iam').IRole }): void {
    this.securityGroup.addIngressRule(
      connectable.connections.securityGroups[0]!,
      ec2.Port.tcp(this.cluster.clusterEndpoint.port),
      'Shoebox function',
    );
    connectable.connections.allowTo(this.securityGroup, ec2.Port.tcp(this.cluster.clusterEndpoint.port));
    if (connectable.role) this.cluster.grantConnect(connectable.role, APP_DB_USER);
  }

  /** postgres:// URL of the app user (no password: IAM tokens). */
  get appUrl(): string {
    return `postgres://${APP_DB_USER}@${this.cluster.clusterEndpoint.hostname}:${this.cluster.clusterEndpoint.port}/${DB_NAME}`;
  }
}
