"""python-gitlab (Debian's python3-gitlab) driving Wharf's /api/v4, as GitLab automation does.

Usage: python3 python-gitlab-client.py URL TOKEN PROJECT_PATH
Prints one JSON object with what it saw, for test/e2e/gitlab-api.test.ts to check.
"""
import json
import sys

import gitlab

url, token, project_path = sys.argv[1], sys.argv[2], sys.argv[3]
gl = gitlab.Gitlab(url, private_token=token)
gl.auth()
project = gl.projects.get(project_path)
repositories = project.repositories.list(all=True)
repository = repositories[0]
before = sorted(tag.name for tag in repository.tags.list(all=True))
one = repository.tags.get(id="b")
repository.tags.delete("a")
repository.tags.delete_in_bulk(name_regex_delete="c.*", keep_n=0)
print(json.dumps({
    "user": gl.user.username,
    "project": project.path_with_namespace,
    "repositories": [r.path for r in repositories],
    "before": before,
    "tag": {"name": one.name, "digest": one.digest, "total_size": one.total_size},
}))
