/** RegisterTargets, DeregisterTargets and DescribeTargetHealth on the query API. */
import { members } from '../xml';
import { optTargetList, reqString, targetList } from './params';
import { deregisterTargets, registerTargets } from './registration';
import * as render from './render';
import type { Elbv2Core } from './store';
import { describeTargets } from './target-health';

export function registerTargetsAction(core: Elbv2Core, params: URLSearchParams): string {
  const group = core.groups.require(reqString(params, 'TargetGroupArn'));
  registerTargets(core, group, targetList(params));
  return '';
}

export function deregisterTargetsAction(core: Elbv2Core, params: URLSearchParams): string {
  const group = core.groups.require(reqString(params, 'TargetGroupArn'));
  deregisterTargets(core, group, targetList(params));
  return '';
}

export function describeTargetHealth(core: Elbv2Core, params: URLSearchParams): string {
  const group = core.groups.require(reqString(params, 'TargetGroupArn'));
  const asked = optTargetList(params);
  const descriptions = describeTargets(group, asked, core.network.taskEndpoints(), core.ctx.clock.now());
  return members('TargetHealthDescriptions', descriptions, render.healthDescription);
}
