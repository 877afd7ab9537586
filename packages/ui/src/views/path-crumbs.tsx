/** @jsxImportSource hono/jsx */
/**
 * The breadcrumb of a path: the registry, then each segment linking to its namespace page
 * (`team` → `/namespaces/team`, `sub` → `/namespaces/team/sub`, …), so a visitor climbs from a
 * repository to its project and groups. The last item is the current page.
 * @module
 */
import type { JSX } from 'hono/jsx/jsx-runtime';
import { homeOf } from './layout.js';

export interface PathCrumbsProps {
  /** Where the registry page is mounted (the frame's `base`). */
  readonly base: string;
  /** A group, project or repository path (`team/sub/app`). */
  readonly path: string;
  /**
   * A page below the path (`Settings`): then every segment of the path links and this is the
   * current item. Without it the path's last segment is the current item, not a link.
   */
  readonly current?: string;
}

/** The address of a group's or project's page. */
export function namespaceHref(base: string, path: string): string {
  return `${base}/namespaces/${path}`;
}

export function PathCrumbs(props: PathCrumbsProps): JSX.Element {
  const segments = props.path.split('/');
  const linked = props.current === undefined ? segments.length - 1 : segments.length;
  const items: JSX.Element[] = [<a href={homeOf(props.base)}>Container Registry</a>];
  segments.forEach((segment, i) => {
    items.push(
      i < linked ? (
        <a href={namespaceHref(props.base, segments.slice(0, i + 1).join('/'))}>{segment}</a>
      ) : (
        <span aria-current="page">{segment}</span>
      ),
    );
  });
  if (props.current !== undefined) items.push(<span aria-current="page">{props.current}</span>);
  return (
    <nav class="crumbs" aria-label="Breadcrumb">
      {items.flatMap((item, i) => (i === 0 ? [item] : [' / ', item]))}
    </nav>
  );
}
