import { DavError } from '../errors';
import { depthOf, xmlResponse } from '../http';
import { NS } from '../model';
import { multistatus, multistatusStream, type MultistatusResponse } from '../multistatus';
import { responseFor } from '../propfind-core';
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
  // A calendar's listing can hold tens of thousands of members: sent as it is written.
  async function* responses(): AsyncIterable<MultistatusResponse> {
    yield self;
    for (const child of children) {
      yield await responseFor(context, child.resource, context.hrefs.child(selfHref, child.segment, isCollection(child.resource)), propRequest);
    }
  }
  return xmlResponse(207, multistatusStream(responses()));
};
