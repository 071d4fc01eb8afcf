import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import type { PrivateNetwork } from './private-network.js';

export interface DatabaseProps {
  network: PrivateNetwork;
  /** Aurora capacity units when busy; idle it pauses at 0. */
  maxCapacity?: number;
  /** Refuse to delete the cluster (default true): it holds every album, face and edit. */
  deletionProtection?: boolean;
}

export const DB_NAME = 'shoebox';

/**
 * Aurora Serverless v2 PostgreSQL with pgvector, pausing at 0 ACU when idle, in isolated
 * subnets and reachable only through the RDS Data API. Its credentials are generated into
 * Secrets Manager; the Data API reads them there, so no function ever holds them.
 */
export class Database extends Construct {
  readonly cluster: rds.DatabaseCluster;
  readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.network.vpc,
      allowAllOutbound: false,
      description: 'Shoebox database: no inbound rules; the Data API reaches it from inside AWS',
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
      enableDataApi: true,
      storageEncrypted: true,
      backup: { retention: Duration.days(7) },
      removalPolicy: RemovalPolicy.SNAPSHOT,
      deletionProtection: props.deletionProtection ?? true,
    });
  }

  /** What a function needs to use the database: the Data API and the cluster's secret. */
  get environment(): Record<string, string> {
    return { DATABASE_DATA_API_ARN: this.cluster.clusterArn, DATABASE_SECRET_ARN: this.cluster.secret!.secretArn, DATABASE_NAME: DB_NAME };
  }
}
