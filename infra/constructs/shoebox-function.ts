import { Duration, Size } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import path from 'node:path';
import type { PrivateNetwork } from './private-network.js';

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * ESM bundles of CommonJS packages still call require(). Aliased: bundled code imports
 * createRequire too, and esbuild does not see names a banner declares.
 */
export const BUNDLE_BANNER = "import { createRequire as __shoeboxCreateRequire } from 'node:module'; const require = __shoeboxCreateRequire(import.meta.url);";

export interface ShoeboxFunctionProps {
  /** Handler file, relative to the project root, e.g. 'functions/api/handler.ts'. */
  entry: string;
  handler?: string;
  memorySize: number;
  timeout: Duration;
  environment: Record<string, string>;
  /** In the VPC (to reach the database) or not (deploy-time functions using the Data API). */
  network?: PrivateNetwork;
  /** Packages with native binaries, installed for Lambda instead of bundled (sharp). */
  nodeModules?: string[];
  /** Extra files to copy beside the bundle: [from (project-relative), to (bundle-relative)]. */
  copy?: Array<[string, string]>;
  /** /tmp size (videos are copied there for ffmpeg); Lambda's default is 512 MiB. */
  ephemeralStorageMiB?: number;
}

/**
 * One Shoebox function: an ESM bundle of its handler (esbuild), Node 22, x86_64 — sharp's
 * prebuilt binary is installed for the machine that bundles, and x86_64 Lambda matches the
 * usual build machine — JSON logs kept a month.
 */
export class ShoeboxFunction extends Construct {
  readonly fn: NodejsFunction;

  constructor(scope: Construct, id: string, props: ShoeboxFunctionProps) {
    super(scope, id);
    const copy = props.copy ?? [];
    this.fn = new NodejsFunction(this, 'Function', {
      entry: path.join(PROJECT_ROOT, props.entry),
      handler: props.handler ?? 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.X86_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      ephemeralStorageSize: props.ephemeralStorageMiB ? Size.mebibytes(props.ephemeralStorageMiB) : undefined,
      environment: { NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_SERVICE_NAME: 'shoebox', ...props.environment },
      logGroup: new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_MONTH }),
      loggingFormat: lambda.LoggingFormat.JSON,
      vpc: props.network?.vpc,
      vpcSubnets: props.network?.subnets,
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        sourceMap: true,
        banner: BUNDLE_BANNER,
        mainFields: ['module', 'main'],
        externalModules: [],
        nodeModules: props.nodeModules,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir: string, outputDir: string) =>
            copy.map(([from, to]) => `cp -r "${path.join(inputDir, from)}" "${path.join(outputDir, to)}"`),
        },
      },
    });
  }
}
