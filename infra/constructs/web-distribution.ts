import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as deployment from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ORIGIN_HEADER } from '../../core/http/cloudfront-origin.js';
import { PROJECT_ROOT } from './shoebox-function.js';

export interface WebDistributionProps {
  api: apigwv2.HttpApi;
  /** The function URL that streams `/api/sync/stream`, and the header value that proves a request came through here. */
  syncStream: { url: lambda.IFunctionUrl; originSecret: string };
}

/**
 * One HTTPS origin for everything: the static site from a private bucket (CloudFront Origin
 * Access Control), and /api/* plus /.well-known/* forwarded, uncached, to the HTTP API —
 * so the site and Immich clients use a single URL. The sync stream goes to its own streaming
 * function instead (the read timeout counts between bytes, so a long stream is fine).
 */
export class WebDistribution extends Construct {
  readonly distribution: cloudfront.Distribution;
  readonly siteBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: WebDistributionProps) {
    super(scope, id);
    this.siteBucket = new s3.Bucket(this, 'Site', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
    const apiOrigin = new origins.HttpOrigin(`${props.api.apiId}.execute-api.${props.api.stack.region}.amazonaws.com`);
    const toApi: cloudfront.BehaviorOptions = {
      origin: apiOrigin,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
    };
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.siteBucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
      },
      additionalBehaviors: {
        '/api/sync/stream': {
          ...toApi,
          origin: new origins.FunctionUrlOrigin(props.syncStream.url, { customHeaders: { [ORIGIN_HEADER]: props.syncStream.originSecret }, readTimeout: Duration.seconds(60) }),
        },
        '/api/*': toApi,
        '/.well-known/*': toApi,
        // Immich's share links: the preview page, made per link by the API function.
        '/share/*': toApi,
      },
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
    });
    // The Astro build when there is one; until then a page that says the API is up.
    const built = path.join(PROJECT_ROOT, 'site/dist');
    new deployment.BucketDeployment(this, 'Deploy', {
      destinationBucket: this.siteBucket,
      distribution: this.distribution,
      sources: [
        existsSync(built)
          ? deployment.Source.asset(built)
          : deployment.Source.data('index.html', '<!doctype html><title>Shoebox</title><p>Shoebox is running. The API is at /api.</p>'),
      ],
    });
  }
}
