import { DavError } from '../errors';
import { depthOf, xmlResponse } from '../http';
import { NS } from '../model';
import { multistatus, multistatusStream, STREAM_BATCH, type MultistatusResponse } from '../multistatus';
import { responseFor, responseNow } from '../propfind-core';
import { parsePropfind } from '../requests';
import { childrenOf, isCollection } from '../resources';
import type { MethodHandler } from './types';

/** PROPFIND (RFC 4918 9.1), Depth 0 or 1. */
export const propfind: MethodHandler = async ({ request, context, resource, href, xmlBody }) => {
  const depth = depthOf(request, 'infinity');
  if (depth === 'infinity') {
    throw new DavError(403, 'PROPFIND with Depth: infinity is not supported; use Depth 0 or 1.', { ns: NS.DAV, name: 'propfind-finite-depth' });
  }
  const propRequest = parsePropfind(xmlBody());
  const target = await resource();
  const selfHref = isCollection(target) && !href.endsWith('/') ? `${href}/` : href;

  const self = await responseFor(context, target, selfHref, propRequest);
  if (depth === '0') return xmlResponse(207, multistatus([self]));
  const children = await childrenOf(context, target);
  // A calendar's listing can hold tens of thousands of members: sent as it is written, a batch at a time.
  async function* responses(): AsyncIterable<MultistatusResponse[]> {
    let batch: MultistatusResponse[] = [self];
    for (const child of children) {
      const childHref = context.hrefs.child(selfHref, child.segment, isCollection(child.resource));
      batch.push(responseNow(context, child.resource, childHref, propRequest) ?? (await responseFor(context, child.resource, childHref, propRequest)));
      if (batch.length >= STREAM_BATCH) {
        yield batch;
        batch = [];
      }
    }
    yield batch;
  }
  return xmlResponse(207, multistatusStream(responses()));
};
