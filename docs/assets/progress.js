/* Your grading progress, live: the progress page's tables and, on each task page, a badge
 * next to every exercise heading and the task's last total under its title.
 *
 * Everything comes from progress.json at the site root, which docs_hooks/site.py builds from
 * .grade/progress.json (`grade` rewrites that file after every saved grading). The file is
 * read again every few seconds, so an open page follows a `grade watch` without reloading;
 * `make docs` also reloads the pages when the file changes. Works with Material's instant
 * navigation too (document$), which is off in mkdocs.yml.
 */
(function () {
  "use strict";

  var POLL_MS = 3000;
  var script = document.currentScript;
  // This file is <root>/assets/progress.js: the site root is one folder up, wherever it is served.
  var ROOT = new URL("../", script ? script.src : location.href).href;
  var lastText = null;
  var lastData = null;

  function statusClass(status) {
    var slug = String(status || "not graded").toLowerCase().replace(/[^a-z]+/g, "-").replace(/^-+|-+$/g, "");
    return "grade-status--" + slug;
  }

  function points(value) {
    var n = Number(value) || 0;
    return String(Math.round(n * 10) / 10);
  }

  function pageUrl(task) {
    // tasks/01-user.md -> tasks/01-user/ (use_directory_urls)
    return String(task.doc || "").replace(/\.md$/, "/");
  }

  function when(iso) {
    var date = new Date(iso);
    if (!iso || isNaN(date.getTime())) return "";
    return date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function badge(exercise, graded) {
    var status = graded ? exercise.status : "not graded";
    var text = graded && status !== "not graded"
      ? status + " \u00b7 " + points(exercise.score) + " / " + points(exercise.possible)
      : "not graded \u00b7 " + points(exercise.possible) + " points";
    return el("span", {
      "class": "grade-badge " + statusClass(status),
      "data-status": status,
      "title": "your last grading of this exercise",
      "text": text,
    });
  }

  function tasksOf(data) {
    var tasks = data && typeof data.tasks === "object" && data.tasks ? data.tasks : {};
    return Object.keys(tasks).map(function (id) { return [id, tasks[id]]; });
  }

  /* The page's path from the site root: "tasks/01-user/", "progress/", "". */
  function currentPath() {
    var root = new URL(ROOT).pathname;
    var path = location.pathname.replace(/index\.html$/, "");
    return path.indexOf(root) === 0 ? path.slice(root.length) : path;
  }

  /* --- a task page: badges and the total under the title --- */
  function renderTaskPage(data) {
    var here = currentPath();
    tasksOf(data).forEach(function (pair) {
      var id = pair[0], task = pair[1];
      if (pageUrl(task) !== here) return;
      var graded = Boolean(task.graded);
      Object.keys(task.exercises || {}).forEach(function (exerciseId) {
        var exercise = task.exercises[exerciseId];
        var heading = exercise.anchor && document.getElementById(exercise.anchor);
        if (!heading) return;
        var fresh = badge(exercise, graded);
        var old = heading.querySelector(".grade-badge");
        if (old) heading.replaceChild(fresh, old);
        else heading.insertBefore(fresh, heading.querySelector(".headerlink"));
        // and a dot of the same colour in the table of contents
        document.querySelectorAll('.md-nav--secondary a[href="#' + exercise.anchor + '"]').forEach(function (link) {
          var dot = el("span", { "class": "grade-dot " + fresh.className.replace("grade-badge ", ""),
                                 "title": fresh.textContent, "aria-label": fresh.textContent });
          var had = link.querySelector(".grade-dot");
          if (had) had.parentNode.replaceChild(dot, had);
          else (link.querySelector(".md-ellipsis") || link).appendChild(dot);
        });
      });
      var title = document.querySelector(".md-content .md-typeset h1");
      if (!title) return;
      var line = document.querySelector(".grade-total");
      if (!line) {
        line = el("p", { "class": "grade-total" });
        title.parentNode.insertBefore(line, title.nextSibling);
      }
      line.textContent = "";
      if (graded) {
        line.appendChild(el("strong", { text: points(task.total) + " / " + points(task.possible) }));
        var about = [task.stack ? task.stack + " stack" : "", when(task.graded_at)].filter(Boolean);
        line.appendChild(document.createTextNode(
          " at your last grading" + (about.length ? " (" + about.join(", ") + ")" : "") + ". "));
      } else {
        line.appendChild(document.createTextNode("Not graded yet: "));
        line.appendChild(el("code", { text: "make grade TASK=" + id }));
        line.appendChild(document.createTextNode(". "));
      }
      line.appendChild(el("a", { href: ROOT + "progress/", text: "All your progress" }));
    });
  }

  /* --- the progress page: one table per task --- */
  function renderProgressPage(data, box) {
    var tasks = tasksOf(data);
    var parts = [];
    if (!tasks.length) {
      parts.push(el("p", { "class": "grade-progress__note" }, [
        "No grading recorded yet. Grade a task, for example ",
        el("code", { text: "make grade TASK=00" }),
        ", and this page fills in.",
      ]));
    }
    var graded = tasks.filter(function (pair) { return pair[1].graded; });
    if (tasks.length) {
      var earned = graded.reduce(function (sum, pair) { return sum + (Number(pair[1].total) || 0); }, 0);
      var possible = tasks.reduce(function (sum, pair) { return sum + (Number(pair[1].possible) || 0); }, 0);
      parts.push(el("p", { "class": "grade-progress__summary" }, [
        el("strong", { text: points(earned) + " / " + points(possible) }),
        " points over the course; " + graded.length + " of " + tasks.length + " tasks graded" +
          (when(data.updated) ? " (updated " + when(data.updated) + ")." : "."),
      ]));
    }
    tasks.forEach(function (pair) {
      var id = pair[0], task = pair[1];
      var url = ROOT + pageUrl(task);
      parts.push(el("h2", { id: "task-" + id, "class": "grade-progress__task" }, [
        el("a", { href: url, text: id + " " + (task.title || "") }),
      ]));
      parts.push(el("p", { "class": "grade-progress__total" }, task.graded ? [
        el("strong", { text: points(task.total) + " / " + points(task.possible) }),
        (task.stack ? " on the " + task.stack + " stack" : "") +
          (when(task.graded_at) ? ", " + when(task.graded_at) : ""),
      ] : [
        "Not graded yet (" + points(task.possible) + " points): ",
        el("code", { text: "make grade TASK=" + id }),
      ]));
      var rows = Object.keys(task.exercises || {}).map(function (exerciseId) {
        var exercise = task.exercises[exerciseId];
        var shown = task.graded ? exercise.status : "not graded";
        return el("tr", { "data-exercise": exerciseId, "data-status": shown }, [
          el("td", {}, [el("a", { href: url + (exercise.anchor ? "#" + exercise.anchor : ""),
                                   text: exerciseId + " " + (exercise.title || "") })]),
          el("td", {}, [badgeForRow(shown)]),
          el("td", { "class": "grade-points",
                     text: task.graded ? points(exercise.score) + " / " + points(exercise.possible)
                                       : "\u2013 / " + points(exercise.possible) }),
        ]);
      });
      parts.push(el("div", { "class": "grade-progress__table" }, [
        el("table", {}, [
          el("thead", {}, [el("tr", {}, [el("th", { text: "Exercise" }), el("th", { text: "Status" }),
                                          el("th", { text: "Points" })])]),
          el("tbody", {}, rows),
        ]),
      ]));
    });
    box.textContent = "";
    parts.forEach(function (part) { box.appendChild(part); });
  }

  function badgeForRow(status) {
    return el("span", { "class": "grade-badge " + statusClass(status), "data-status": status, text: status });
  }

  function render(data) {
    var box = document.getElementById("grade-progress");
    if (box) renderProgressPage(data, box);
    else renderTaskPage(data);
  }

  function refresh(force) {
    if (document.hidden && !force) return;
    fetch(ROOT + "progress.json", { cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (text) {
        if (text === lastText && !force) return;
        lastText = text;
        lastData = JSON.parse(text);
        render(lastData);
      })
      .catch(function (error) {
        var box = document.getElementById("grade-progress");
        if (box && lastData === null) {
          box.textContent = "";
          box.appendChild(el("p", { "class": "grade-progress__note" }, [
            "Your progress could not be read (" + error.message + "). Open this site with ",
            el("code", { text: "make docs" }), ".",
          ]));
        }
      });
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () { refresh(true); });  // every page, instant navigation too
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { refresh(true); });
  } else {
    refresh(true);
  }
  setInterval(function () { refresh(false); }, POLL_MS);
})();
